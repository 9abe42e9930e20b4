import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assignSeat, setSeatLimit } from '../../src/org/seats/seats.service.js';
import { checkPage, describeInBrowser, useRosterInBrowser } from '../support/browser.js';
import { signedInWithCookie } from '../support/console-flows.js';
import { db } from '../support/database.js';
import { makeMember, makeOrganization, system, tx } from '../support/factories.js';
import { until } from '../support/served.js';

describeInBrowser('the Seats page in a browser', function () {
  this.timeout(60_000);
  const roster = useRosterInBrowser();

  const limitOf = async (organizationId: string, product: string) =>
    ((await db()('seat_pools').where({ organization_id: organizationId, product }).first()) as { seat_limit: number } | undefined)?.seat_limit;
  const row = (page: Page, product: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: product, exact: true }) });

  it('lets Billing raise a limit, refuses one below the seats assigned with the numbers, and adds a product', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 2));
    const [ada, bob] = [await makeMember(org.id), await makeMember(org.id)];
    await tx((t) => assignSeat(t, system, org.id, ada.id, 'chat'));
    await tx((t) => assignSeat(t, system, org.id, bob.id, 'chat'));
    const billing = await makeMember(org.id, { role: 'billing' });
    const visit = await signedInWithCookie(roster, org.id, billing.userName, '/');
    const { page } = visit;
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Seats' }).click();
    assert.match(await row(page, 'chat').innerText(), /chat\s+2\s+0/);
    await checkPage(visit, 'seats');

    await page.getByRole('spinbutton', { name: 'chat seat limit' }).fill('1');
    await page.getByRole('button', { name: 'Save the chat seat limit' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'More chat seats are assigned than that' });
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /2 chat seats are assigned; release 1/);
    assert.equal(await limitOf(org.id, 'chat'), 2, 'the refused limit changed nothing');
    await checkPage(visit, 'seats-refused');

    await page.getByRole('spinbutton', { name: 'chat seat limit' }).fill('5');
    await page.getByRole('button', { name: 'Save the chat seat limit' }).click();
    await until(async () => /^chat\s+2\s+3\s/.test(await row(page, 'chat').innerText()), 'chat: 2 assigned, 3 available');
    assert.equal(await page.getByRole('alert').count(), 0, 'the refusal is gone once a change works');
    assert.equal(await limitOf(org.id, 'chat'), 5);

    await page.getByRole('textbox', { name: 'Product' }).fill('video');
    await page.getByRole('spinbutton', { name: 'Seats', exact: true }).fill('10');
    await page.getByRole('button', { name: 'Add product' }).click();
    await until(
      async () => (await row(page, 'video').count()) === 1 && /^video\s+0\s+10\s/.test(await row(page, 'video').innerText()),
      'video: 0 assigned, 10 available',
    );
    assert.equal(await limitOf(org.id, 'video'), 10);
  });

  it('is not offered to a Member, who is told “Not allowed” there', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const visit = await signedInWithCookie(roster, org.id, member.userName, '/account');
    await visit.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'My account' }).waitFor();
    assert.equal(await visit.page.getByRole('link', { name: 'Seats' }).count(), 0);
    await visit.page.goto('/seats');
    await visit.page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor();
  });
});
