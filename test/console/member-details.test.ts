import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createGroup } from '../../src/org/groups/groups.service.js';
import { assignSeat, setSeatLimit } from '../../src/org/seats/seats.service.js';
import { addWorkspaceMember, createWorkspace } from '../../src/org/workspaces/workspaces.service.js';
import { authApp } from '../support/auth.js';
import { checkPage, describeInBrowser, useRosterInBrowser } from '../support/browser.js';
import { apiSession, signedInWithCookie } from '../support/console-flows.js';
import { db } from '../support/database.js';
import { makeMember, makeOrganization, system, tx, unique } from '../support/factories.js';
import { newUser, scimClient } from '../support/scim.js';

describeInBrowser('the User Details page in a browser', function () {
  this.timeout(90_000);
  const roster = useRosterInBrowser();

  /** A browser signed in as `email` in the Organization, on `path`. */
  const signedIn = (organizationId: string, email: string, path: string) => signedInWithCookie(roster, organizationId, email, path);

  const row = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });
  const openTab = async (page: Page, name: string) => {
    await page.getByRole('tab', { name }).click();
    await page.getByRole('heading', { name, level: 2 }).waitFor();
  };
  const memberRow = async (id: string) => (await db()('members').where({ id }).first()) as { given_name: string | null; family_name: string | null };
  const seatsOf = async (id: string) =>
    ((await db()('seat_assignments').where({ member_id: id }).select('product')) as Array<{ product: string }>).map((seat) => seat.product);
  const directRole = async (workspaceId: string, memberId: string) =>
    ((await db()('workspace_members').where({ workspace_id: workspaceId, member_id: memberId }).first()) as { role: string } | undefined)?.role;
  const inGroup = async (groupId: string, memberId: string) =>
    (await db()('group_members').where({ group_id: groupId, member_id: memberId }).first()) !== undefined;

  it('opens a member the IdP pushed over SCIM from the Members list, with their name and email read-only', async () => {
    const scim = await scimClient(authApp());
    const family = unique('Okta');
    const userName = `${unique('pushed')}@example.test`;
    const pushed = await scim.post('/Users', newUser(userName, { name: { givenName: 'Pat', familyName: family } })).expect(201);
    const visit = await signedIn(scim.org.id, scim.org.admin.userName, '/members');
    const { page } = visit;

    await row(page, userName)
      .getByRole('link', { name: `Pat ${family}` })
      .click();

    await page.getByRole('heading', { name: `Pat ${family}`, level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/members/${pushed.body.id as string}`);
    const profile = page.getByRole('region', { name: 'Profile' });
    const text = await profile.innerText();
    assert.match(text, /Managed by SCIM/);
    assert.match(text, /The identity provider owns this member’s name and email/);
    assert.match(text, new RegExp(`Email\\s+${userName}`));
    assert.match(text, new RegExp(`Last name\\s+${family}`));
    assert.match(text, new RegExp(`User ID\\s+${pushed.body.id as string}`));
    assert.equal(await profile.getByRole('textbox').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Save' }).count(), 0);
    await checkPage(visit, 'member-details-profile-managed');

    await page.getByRole('link', { name: 'Back to Members' }).click();
    await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
  });

  it('lets an Admin edit and save an unmanaged member’s name and email, and shows what Roster refuses', async () => {
    const org = await makeOrganization();
    const kim = await makeMember(org.id, { profile: { userName: `${unique('kim')}@example.test`, name: { givenName: 'Kim', familyName: 'Lee' } } });
    const visit = await signedIn(org.id, org.admin.userName, `/members/${kim.id}`);
    const { page } = visit;
    await page.getByRole('heading', { name: 'Kim Lee', level: 1 }).waitFor();

    await page.getByLabel('Email').fill('not an address');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'That did not work' }).waitFor();
    assert.equal(((await db()('member_emails').where({ member_id: kim.id }).first()) as { value: string }).value, kim.userName);

    const email = `${unique('grace')}@example.test`;
    await page.getByLabel('First name').fill('Grace');
    await page.getByLabel('Last name').fill('Hopper');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();
    await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0);
    assert.deepEqual(await memberRow(kim.id).then((saved) => [saved.given_name, saved.family_name]), ['Grace', 'Hopper']);
    assert.equal(((await db()('member_emails').where({ member_id: kim.id }).first()) as { value: string }).value, email);
    assert.equal(await page.getByLabel('First name').inputValue(), 'Grace');
    await checkPage(visit, 'member-details-profile');
  });

  it('switches a seat on, moving what is available, and says when no seat is left, with the numbers', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 2));
    const [kim, lee] = [await makeMember(org.id), await makeMember(org.id)];
    await tx((t) => assignSeat(t, system, org.id, lee.id, 'chat'));
    const visit = await signedIn(org.id, org.admin.userName, `/members/${kim.id}?tab=subscriptions`);
    const { page } = visit;
    const seat = page.getByRole('switch', { name: 'chat seat' });
    await page.getByText('1 available (1 of 2 assigned)').waitFor();
    assert.equal(await seat.getAttribute('aria-checked'), 'false');

    await seat.click();
    await page.getByText('0 available (2 of 2 assigned)').waitFor();
    await page.getByRole('switch', { name: 'chat seat', checked: true }).waitFor();
    assert.deepEqual(await seatsOf(kim.id), ['chat']);
    await checkPage(visit, 'member-details-subscriptions');

    await seat.click();
    await page.getByText('1 available (1 of 2 assigned)').waitFor();
    await page.getByRole('switch', { name: 'chat seat', checked: false }).waitFor();
    assert.deepEqual(await seatsOf(kim.id), []);

    // Someone takes the last seat meanwhile: Roster refuses, and the page says so with its numbers.
    const other = await makeMember(org.id);
    await tx((t) => assignSeat(t, system, org.id, other.id, 'chat'));
    await seat.click();
    const refusal = page.getByRole('alert').filter({ hasText: 'No chat seats left' });
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /2 of 2 seats are assigned/);
    await page.getByText('0 available (2 of 2 assigned)').waitFor();
    assert.equal(await seat.getAttribute('aria-checked'), 'false');
    assert.deepEqual(await seatsOf(kim.id), []);
    await checkPage(visit, 'member-details-no-seat');
  });

  it('adds the member to a Workspace as contributor, makes them admin there and removes them; never from the default Workspace', async () => {
    const org = await makeOrganization();
    const kim = await makeMember(org.id);
    const research = await tx((t) => createWorkspace(t, org.adminActor, org.id, unique('Research')));
    const visit = await signedIn(org.id, org.admin.userName, `/members/${kim.id}`);
    const { page } = visit;
    await openTab(page, 'Workspaces');
    const defaultRow = row(page, org.defaultWorkspace.name);
    await defaultRow.waitFor();
    assert.match(await defaultRow.innerText(), /Default/);
    assert.equal(await defaultRow.getByRole('button').count(), 0, 'no Remove on the default Workspace');

    await page.getByLabel('Workspace', { exact: true }).selectOption({ label: research.name });
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Contributor' });
    await page.getByRole('button', { name: 'Add to Workspace' }).click();
    const direct = page.getByLabel(`Direct role in ${research.name}`);
    await direct.waitFor();
    assert.equal(await directRole(research.id, kim.id), 'contributor');

    const changed = page.waitForResponse(
      (response) => response.url().endsWith(`/workspaces/${research.id}/members/${kim.id}`) && response.request().method() === 'PUT',
    );
    await direct.selectOption({ label: 'Admin' });
    assert.equal((await changed).status(), 200);
    await row(page, research.name).getByRole('cell').first().filter({ hasText: 'Admin' }).waitFor();
    assert.equal(await directRole(research.id, kim.id), 'admin');
    await checkPage(visit, 'member-details-workspaces');

    await page.getByRole('button', { name: `Remove from ${research.name}` }).click();
    await page
      .getByRole('alertdialog', { name: new RegExp(`from ${research.name}\\?`) })
      .getByRole('button', { name: 'Remove' })
      .click();
    await row(page, research.name).waitFor({ state: 'detached' });
    assert.equal(await directRole(research.id, kim.id), undefined);
    assert.equal(await directRole(org.defaultWorkspace.id, kim.id), 'contributor', 'still in the default Workspace');
  });

  it('adds the member to an Admin’s group and removes them; a SCIM-pushed group is read-only and not offered', async () => {
    const org = await makeOrganization();
    const kim = await makeMember(org.id);
    const team = await tx((t) => createGroup(t, org.adminActor, org.id, { displayName: unique('Engineers') }));
    const pushed = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Okta-Sales'), managedBy: 'scim', memberIds: [kim.id] }));
    const other = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Okta-Ops'), managedBy: 'scim' }));
    const visit = await signedIn(org.id, org.admin.userName, `/members/${kim.id}?tab=groups`);
    const { page } = visit;
    const pushedRow = row(page, pushed.displayName);
    await pushedRow.waitFor();
    assert.match(await pushedRow.innerText(), /Managed by SCIM/);
    assert.equal(await pushedRow.getByRole('button').count(), 0, 'no Remove from a SCIM-pushed group');
    const picker = page.getByLabel('Group', { exact: true });
    await picker.getByRole('option', { name: team.displayName }).waitFor({ state: 'attached' });
    assert.equal(await picker.getByRole('option', { name: other.displayName }).count(), 0, 'a SCIM-pushed group is not offered');

    await picker.selectOption({ label: team.displayName });
    await page.getByRole('button', { name: 'Add to group' }).click();
    await row(page, team.displayName)
      .getByRole('button', { name: `Remove from ${team.displayName}` })
      .waitFor();
    assert.ok(await inGroup(team.id, kim.id));
    await checkPage(visit, 'member-details-groups');

    await page.getByRole('button', { name: `Remove from ${team.displayName}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
    await row(page, team.displayName).waitFor({ state: 'detached' });
    assert.equal(await inGroup(team.id, kim.id), false);
    assert.ok(await inGroup(pushed.id, kim.id));
  });

  it('lists the API key a member made and revokes it after a confirmation', async () => {
    const org = await makeOrganization();
    const kim = await makeMember(org.id);
    const asKim = await apiSession(roster.url, org.id, kim.userName);
    const made = await asKim('/api-keys', { method: 'POST', body: { workspaceId: org.defaultWorkspace.id, name: 'Deploy bot' } });
    assert.equal(made.status, 201);
    const visit = await signedIn(org.id, org.admin.userName, `/members/${kim.id}?tab=api-keys`);
    const { page } = visit;
    const key = row(page, 'Deploy bot');
    await key.waitFor();
    assert.match(await key.innerText(), new RegExp(`${made.body.prefix as string}…\\s+${org.defaultWorkspace.name}`));
    assert.match(await key.innerText(), /Never\s+Active/);

    await key.getByRole('button', { name: 'Revoke Deploy bot' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Revoke the API key “Deploy bot”?' });
    await checkPage(visit, 'member-details-revoke-key');
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await key.filter({ hasText: 'Revoked' }).waitFor();
    assert.equal(await key.getByRole('button').count(), 0);
    assert.ok(((await db()('api_keys').where({ id: made.body.id }).first()) as { revoked_at: Date | null }).revoked_at);
    await checkPage(visit, 'member-details-api-keys');
  });

  it('shows Billing the page read-only: no Save, no switches, no Remove or Revoke', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 3));
    const billing = await makeMember(org.id, { role: 'billing' });
    const kim = await makeMember(org.id, { profile: { userName: `${unique('kim')}@example.test`, name: { givenName: 'Kim', familyName: 'Read' } } });
    const research = await tx((t) => createWorkspace(t, org.adminActor, org.id, unique('Research')));
    await tx((t) => addWorkspaceMember(t, org.adminActor, org.id, research.id, kim.id, 'contributor'));
    await tx((t) => createGroup(t, org.adminActor, org.id, { displayName: unique('Engineers'), memberIds: [kim.id] }));
    const asKim = await apiSession(roster.url, org.id, kim.userName);
    assert.equal((await asKim('/api-keys', { method: 'POST', body: { workspaceId: research.id, name: 'Laptop' } })).status, 201);
    const visit = await signedIn(org.id, billing.userName, `/members/${kim.id}`);
    const { page } = visit;
    const main = page.getByRole('main');
    await page.getByRole('heading', { name: 'Kim Read', level: 1 }).waitFor();
    assert.match(await page.getByRole('region', { name: 'Profile' }).innerText(), /Last name\s+Read/);
    assert.equal(await main.getByRole('textbox').count(), 0);
    assert.deepEqual(await main.getByRole('button').allInnerTexts(), ['Copy'], 'only the copy button of the user ID');
    await checkPage(visit, 'member-details-billing');

    for (const [tab, shows] of [
      ['Subscriptions', /None · 3 available/],
      ['Workspaces', new RegExp(research.name)],
      ['Groups', /Engineers/],
      ['API keys', /Laptop/],
    ] as const) {
      await openTab(page, tab);
      const panel = page.getByRole('tabpanel', { name: tab });
      await panel.getByText(shows).first().waitFor();
      assert.equal(await panel.getByRole('switch').count(), 0, tab);
      assert.equal(await panel.getByRole('button').count(), 0, tab);
      assert.equal(await panel.getByRole('combobox').count(), 0, tab);
    }

    const asMember = await signedIn(org.id, kim.userName, `/members/${billing.id}`);
    await asMember.page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor();
    await checkPage(asMember, 'member-details-forbidden');
  });
});
