import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { setSeatLimit } from '../../src/org/seats/seats.service.js';
import { authApp, followLink, linkMailedTo, sessionFor } from '../support/auth.js';
import { checkPage, describeInBrowser, useRosterInBrowser } from '../support/browser.js';
import { signedInWithCookie } from '../support/console-flows.js';
import { db } from '../support/database.js';
import { makeMember, makeOrganization, system, tx, unique } from '../support/factories.js';
import { invitationMailedTo } from '../support/invitations.js';
import { newUser, scimClient } from '../support/scim.js';

describeInBrowser('the Members panel in a browser', function () {
  this.timeout(90_000);
  const roster = useRosterInBrowser();
  let api: ReturnType<typeof authApp>;
  before(() => {
    api = authApp();
  });

  const address = () => `${unique('invitee')}@example.test`;

  /** A browser signed in as `email` in the Organization, on the Members page. */
  const signedIn = (organizationId: string, email: string, path = '/members') => signedInWithCookie(roster, organizationId, email, path);

  const row = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });
  const roleOf = async (id: string) => ((await db()('members').where({ id }).first()) as { role: string }).role;

  /** An Account session for someone outside the Organization, as the join page gets one. */
  async function accountSession(email: string): Promise<string> {
    await request(api).post('/auth/email').send({ email }).expect(202);
    return (await followLink(api, (await linkMailedTo(email)).token).expect(200)).body.token as string;
  }
  const accept = (session: string, token: string) => request(api).post('/auth/invitations/accept').set('Authorization', `Bearer ${session}`).send({ token });

  it('lets an Admin invite two addresses with a role and a seat, and shows what became of each', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
    const [ada, bob] = [address(), address()];
    const visit = await signedIn(org.id, org.admin.userName);
    const { page } = visit;
    await page.getByRole('columnheader', { name: 'chat 5 available' }).waitFor();
    await checkPage(visit, 'members-active');

    await page.getByRole('button', { name: 'Invite members' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite members' });
    await dialog.getByLabel('Email addresses').fill(`${ada}, ${bob}\n${org.admin.userName}\nnot-an-address`);
    await dialog.getByLabel('Role').selectOption({ label: 'Billing' });
    await dialog.getByRole('checkbox', { name: /chat/ }).check();
    // The seat's checkbox sits inside its fieldset (no other page's .checkbox styles reach it).
    const seats = (await dialog.getByRole('group', { name: /Seats/ }).boundingBox())!;
    const box = (await dialog.getByRole('checkbox', { name: /chat/ }).boundingBox())!;
    assert.ok(
      box.x >= seats.x && box.x + box.width <= seats.x + seats.width && box.y >= seats.y && box.y + box.height <= seats.y + seats.height,
      JSON.stringify({ seats, box }),
    );
    await checkPage(visit, 'members-invite-dialog');
    await dialog.getByRole('button', { name: 'Send 4 invitations' }).click();

    const results = dialog.getByRole('list', { name: 'Invitation results' });
    await results.waitFor();
    const lines = await results.getByRole('listitem').allInnerTexts();
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, new RegExp(`^${ada}: Invited`));
    assert.match(lines[1]!, new RegExp(`^${bob}: Invited`));
    assert.match(lines[2]!, /Already a member/);
    assert.match(lines[3]!, /^not-an-address: Not an email address/);
    await checkPage(visit, 'members-invite-results');
    await dialog.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('tab', { name: 'Invited Users' }).click();
    await row(page, ada).waitFor();
    assert.match(await row(page, bob).innerText(), /Billing\s+chat\s+Pending/);
    await checkPage(visit, 'members-invited');
  });

  it('resends (the old link dies, the new one works) and revokes from Invited Users', async () => {
    const org = await makeOrganization();
    const [ada, bob] = [address(), address()];
    const admin = apiFor(await sessionFor(api, org.id, org.admin.userName));
    await admin.post('/invitations', { emails: [ada, bob], role: 'member' }).expect(201);
    const old = await invitationMailedTo(ada);
    const visit = await signedIn(org.id, org.admin.userName);
    const { page } = visit;
    await page.getByRole('tab', { name: 'Invited Users' }).click();

    await page.getByRole('button', { name: `Resend to ${ada}` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `A new link went to ${ada}` })
      .waitFor();
    const renewed = await invitationMailedTo(ada);
    assert.notEqual(renewed.token, old.token);
    const session = await accountSession(ada);
    assert.equal((await accept(session, old.token).expect(404)).body.error.code, 'invitation_not_found');
    await accept(session, renewed.token).expect(200);

    await page.getByRole('button', { name: `Revoke ${bob}` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Revoke the invitation of ${bob}?` });
    await checkPage(visit, 'members-revoke-confirm');
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `The invitation of ${bob} was revoked` })
      .waitFor();
    await page.getByRole('cell', { name: 'No pending invitation.' }).waitFor();
  });

  it('changes a role inline, moves seat counts with the switch, and says when no seat is left, with the numbers', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 1));
    const [kim, lee] = [await makeMember(org.id), await makeMember(org.id)];
    const visit = await signedIn(org.id, org.admin.userName);
    const { page } = visit;

    const changed = page.waitForResponse((response) => response.url().endsWith(`/members/${kim.id}/role`));
    await page.getByLabel(`Role of ${kim.userName}`).selectOption({ label: 'Billing' });
    assert.equal((await changed).status(), 200);
    assert.equal(await roleOf(kim.id), 'billing');

    await page.getByRole('switch', { name: `chat seat for ${kim.userName}` }).click();
    await page.getByRole('columnheader', { name: 'chat 0 available' }).waitFor();
    assert.equal(await page.getByRole('switch', { name: `chat seat for ${kim.userName}` }).getAttribute('aria-checked'), 'true');

    await page.getByRole('switch', { name: `chat seat for ${lee.userName}` }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'No chat seats left' });
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /1 of 1 seats are assigned/);
    assert.equal(await page.getByRole('switch', { name: `chat seat for ${lee.userName}` }).getAttribute('aria-checked'), 'false');
    await checkPage(visit, 'members-no-seat');

    await page.getByRole('switch', { name: `chat seat for ${kim.userName}` }).click();
    await page.getByRole('columnheader', { name: 'chat 1 available' }).waitFor();
  });

  it('refuses to let the last Admin go or be demoted, saying why; another member is removed after a confirmation', async () => {
    const org = await makeOrganization();
    const kim = await makeMember(org.id);
    const visit = await signedIn(org.id, org.admin.userName);
    const { page } = visit;
    const own = row(page, org.admin.userName);
    assert.equal(await own.getByRole('button', { name: 'Remove' }).count(), 0, 'your own row offers Leave, not Remove');

    await own.getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('alertdialog', { name: 'Leave the Organization?' }).getByRole('button', { name: 'Leave' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'The last Admin cannot go' });
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /last_admin/);
    await checkPage(visit, 'members-last-admin');

    await page.getByLabel(`Role of ${org.admin.userName}`).selectOption({ label: 'Member' });
    await page.getByRole('alert').filter({ hasText: 'The last Admin cannot go' }).waitFor();
    assert.equal(await roleOf(org.admin.id), 'admin');

    await page.getByRole('button', { name: `Remove ${kim.userName}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
    await row(page, kim.userName).waitFor({ state: 'detached' });
    assert.equal(await db()('members').where({ id: kim.id }).first(), undefined);
  });

  it('lets an Admin who is not the last one leave', async () => {
    const org = await makeOrganization();
    const other = await makeMember(org.id, { role: 'admin' });
    const visit = await signedIn(org.id, other.userName);
    const { page } = visit;
    await row(page, other.userName).getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Members' }).waitFor({ state: 'detached' });
    assert.equal(await db()('members').where({ id: other.id }).first(), undefined);
  });

  it('shows Billing a read-only list, and does not show a Member the panel', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 3));
    const billing = await makeMember(org.id, { role: 'billing' });
    const member = await makeMember(org.id);
    const asBilling = await signedIn(org.id, billing.userName);
    await row(asBilling.page, member.userName).waitFor();
    await asBilling.page.getByRole('columnheader', { name: 'chat 3 available' }).waitFor();
    const main = asBilling.page.getByRole('main');
    assert.deepEqual(await main.getByRole('button').allInnerTexts(), ['Leave'], 'no Invite, no Remove: only Leave, on their own row');
    assert.equal(await main.getByRole('combobox').count(), 1, 'only the role filter, no role select per row');
    assert.equal(await main.getByRole('switch').count(), 0);
    assert.equal(await main.getByRole('tab').count(), 0, 'no Invited Users');
    assert.match(await row(asBilling.page, member.userName).innerText(), /Member/);
    await checkPage(asBilling, 'members-billing');

    const asMember = await signedIn(org.id, member.userName, '/');
    await asMember.page.getByRole('heading', { name: 'My account' }).waitFor();
    assert.equal(await asMember.page.getByRole('link', { name: 'Members' }).count(), 0);
    await asMember.page.goto('/members');
    await asMember.page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor();
    await checkPage(asMember, 'members-forbidden');
  });

  it('marks a member the IdP pushed over SCIM as managed, and finds them by last name', async () => {
    const scim = await scimClient(authApp());
    const family = unique('Okta');
    const pushed = await scim.post('/Users', newUser(`${unique('pushed')}@example.test`, { name: { givenName: 'Pat', familyName: family } })).expect(201);
    await makeMember(scim.org.id);
    const visit = await signedIn(scim.org.id, scim.org.admin.userName);
    const { page } = visit;
    await page.getByLabel('Search by last name or email').fill(family.toLowerCase());
    await page.getByRole('row').nth(2).waitFor({ state: 'detached' });
    const found = row(page, pushed.body.userName as string);
    assert.match(await found.innerText(), /Managed by SCIM/);
    await checkPage(visit, 'members-managed');
  });

  it('invites with the keyboard alone', async () => {
    const org = await makeOrganization();
    const email = address();
    const visit = await signedIn(org.id, org.admin.userName);
    const { page } = visit;
    const invite = page.getByRole('button', { name: 'Invite members' });
    await invite.waitFor();
    for (let presses = 0; presses < 30 && !(await invite.evaluate((button) => button === document.activeElement)); presses++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Invite members' });
    await dialog.waitFor();
    // Focus moves into the dialog: the first field takes the addresses.
    for (let presses = 0; presses < 5 && !(await dialog.getByLabel('Email addresses').evaluate((field) => field === document.activeElement)); presses++)
      await page.keyboard.press('Tab');
    await page.keyboard.type(email);
    for (let presses = 0; presses < 5 && !(await dialog.getByLabel('Role').evaluate((field) => field === document.activeElement)); presses++)
      await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    assert.equal(await dialog.getByLabel('Role').inputValue(), 'billing');
    for (
      let presses = 0;
      presses < 5 && !(await dialog.getByRole('button', { name: 'Send invitation' }).evaluate((button) => button === document.activeElement));
      presses++
    )
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialog.getByRole('list', { name: 'Invitation results' }).getByText(`${email}: Invited`).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(((await db()('invitations').where({ organization_id: org.id }).first()) as { role: string }).role, 'billing');
  });

  function apiFor(token: string) {
    return { post: (path: string, body: object) => request(api).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body) };
  }
});
