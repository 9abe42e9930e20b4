import assert from 'node:assert/strict';
import { checkPage, describeInBrowser, useRosterInBrowser } from '../support/browser.js';
import { apiSession, signedInWithCookie } from '../support/console-flows.js';
import { db } from '../support/database.js';
import { makeMember, makeOrganization } from '../support/factories.js';

describeInBrowser('the console follows the server’s word on roles', function () {
  this.timeout(60_000);
  const roster = useRosterInBrowser();

  it('shows a demoted Admin’s refused change as “Not allowed”, and takes the controls away on the next page load', async () => {
    const org = await makeOrganization();
    const other = await makeMember(org.id, { role: 'admin' });
    const member = await makeMember(org.id);
    const visit = await signedInWithCookie(roster, org.id, org.admin.userName, '/members');
    const { page } = visit;
    const roleSelect = page.getByLabel(`Role of ${member.userName}`);
    await roleSelect.waitFor();
    assert.equal(await page.getByRole('button', { name: 'Invite members' }).count(), 1);

    // Another Admin makes this one Billing while the page is open.
    const api = await apiSession(roster.url, org.id, other.userName);
    assert.equal((await api(`/members/${org.admin.id}/role`, { method: 'PATCH', body: { role: 'billing' } })).status, 200);

    await roleSelect.selectOption({ label: 'Admin' });
    await page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor();
    assert.equal(((await db()('members').where({ id: member.id }).first()) as { role: string }).role, 'member', 'the refused change changed nothing');
    await checkPage(visit, 'members-demoted-refused');

    await page.reload();
    await page.getByRole('row').filter({ hasText: member.userName }).waitFor();
    const main = page.getByRole('main');
    assert.equal(await main.getByRole('button', { name: 'Invite members' }).count(), 0);
    assert.equal(await main.getByLabel(`Role of ${member.userName}`).count(), 0);
    assert.equal(await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Access' }).count(), 0);
    assert.match(await page.getByRole('button', { name: `Account: ${org.admin.userName}` }).innerText(), /Billing/);
  });
});
