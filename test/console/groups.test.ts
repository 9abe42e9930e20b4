import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { addGroupMembers, createGroup } from '../../src/org/groups/groups.service.js';
import { createWorkspace } from '../../src/org/workspaces/workspaces.service.js';
import { authApp } from '../support/auth.js';
import { checkPage, describeInBrowser, useRosterInBrowser } from '../support/browser.js';
import { signedInWithCookie } from '../support/console-flows.js';
import { db } from '../support/database.js';
import { countRows, makeMember, makeOrganization, system, tx, unique } from '../support/factories.js';
import { newUser, scimClient, type ScimClient } from '../support/scim.js';

const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';

describeInBrowser('the Groups pages in a browser', function () {
  this.timeout(90_000);
  const roster = useRosterInBrowser();

  const signedIn = (organizationId: string, email: string, path = '/groups') => signedInWithCookie(roster, organizationId, email, path);
  const row = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });
  const groupNamed = async (organizationId: string, displayName: string) =>
    (await db()('groups').where({ organization_id: organizationId, display_name: displayName }).first()) as { id: string } | undefined;
  const grantOf = async (groupId: string, workspaceId: string) =>
    ((await db()('group_workspace_grants').where({ group_id: groupId, workspace_id: workspaceId }).first()) as { role: string } | undefined)?.role;

  /** A group the identity provider pushes over SCIM, with one pushed user in it. */
  async function pushedGroup(scim: ScimClient): Promise<{ id: string; displayName: string; userName: string }> {
    const user = (await scim.post('/Users', newUser(`${unique('pushed')}@example.test`)).expect(201)).body as { id: string; userName: string };
    const displayName = unique('Okta Engineering');
    const group = (await scim.post('/Groups', { schemas: [groupSchema], displayName, members: [{ value: user.id }] }).expect(201)).body as { id: string };
    return { id: group.id, displayName, userName: user.userName };
  }

  it('lets an Admin create, rename and delete a group, and keeps a SCIM-pushed one read-only and marked', async () => {
    const scim = await scimClient(authApp());
    const org = scim.org;
    const pushed = await pushedGroup(scim);
    const visit = await signedIn(org.id, org.admin.userName);
    const { page } = visit;
    const name = unique('Platform');

    await page.getByLabel('Group name').fill(name);
    await page.getByRole('button', { name: 'Create group' }).click();
    await row(page, name).waitFor();
    const created = await groupNamed(org.id, name);
    assert.ok(created, 'the group is in the database');
    assert.equal(((await db()('groups').where({ id: created.id }).first()) as { managed_by: string }).managed_by, 'none');

    const managed = row(page, pushed.displayName);
    assert.match(await managed.innerText(), /Managed by SCIM/);
    assert.match(await managed.innerText(), /Read-only: the identity provider manages it/);
    assert.equal(await managed.getByRole('button').count(), 0, 'no Rename, no Delete for a pushed group');
    await checkPage(visit, 'groups');

    await page.getByRole('button', { name: `Rename ${name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Rename ${name}` });
    await dialog.getByLabel('New name').fill(`${name} team`);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await row(page, `${name} team`).waitFor();
    assert.equal(((await db()('groups').where({ id: created.id }).first()) as { display_name: string }).display_name, `${name} team`);

    await page.getByRole('button', { name: `Delete ${name} team` }).click();
    await page
      .getByRole('alertdialog', { name: `Delete ${name} team?` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await row(page, `${name} team`).waitFor({ state: 'detached' });
    assert.equal(await countRows('groups', { id: created.id }), 0);

    await page.getByRole('link', { name: pushed.displayName }).click();
    await page.getByRole('heading', { name: new RegExp(pushed.displayName), level: 1 }).waitFor();
    await row(page, pushed.userName).waitFor();
    assert.equal(await page.getByLabel('Find a member by last name or email').count(), 0, 'no member search for a pushed group');
    assert.equal(await page.getByRole('button', { name: /^Remove/ }).count(), 0);
    await page.getByText('The identity provider manages this group’s name and members over SCIM').first().waitFor();
    // Its grants are the Admin's.
    await page.getByLabel('Workspace', { exact: true }).selectOption({ label: org.defaultWorkspace.name });
    await page.getByRole('button', { name: 'Grant role' }).click();
    await row(page, org.defaultWorkspace.name).getByLabel(`Role in ${org.defaultWorkspace.name}`).waitFor();
    assert.equal(await grantOf(pushed.id, org.defaultWorkspace.id), 'contributor');
    await checkPage(visit, 'group-managed');
  });

  it('adds and removes a group’s members, and grants, changes and revokes its Workspace role', async () => {
    const org = await makeOrganization();
    const [kim, lee] = [await makeMember(org.id), await makeMember(org.id)];
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Support'), managedBy: 'none', memberIds: [lee.id] }));
    const workspace = await tx((t) => createWorkspace(t, system, org.id, unique('Helpdesk')));
    const visit = await signedIn(org.id, org.admin.userName, `/groups/${group.id}`);
    const { page } = visit;
    await page.getByRole('heading', { name: group.displayName, level: 1 }).waitFor();
    await row(page, lee.userName).waitFor();

    await page.getByLabel('Find a member by last name or email').fill(kim.userName);
    await page
      .getByRole('list', { name: 'Matching members' })
      .getByRole('button', { name: `Add ${kim.userName}` })
      .click();
    await row(page, kim.userName).waitFor();
    assert.equal(await countRows('group_members', { group_id: group.id, member_id: kim.id }), 1);

    await page.getByRole('button', { name: `Remove ${lee.userName}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
    await row(page, lee.userName).waitFor({ state: 'detached' });
    assert.equal(await countRows('group_members', { group_id: group.id, member_id: lee.id }), 0);

    await page.getByRole('cell', { name: 'No Workspace role granted yet.' }).waitFor();
    await page.getByLabel('Workspace', { exact: true }).selectOption({ label: workspace.name });
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Contributor' });
    await page.getByRole('button', { name: 'Grant role' }).click();
    const role = page.getByLabel(`Role in ${workspace.name}`);
    await role.waitFor();
    assert.equal(await grantOf(group.id, workspace.id), 'contributor');
    await checkPage(visit, 'group-detail');

    const changed = page.waitForResponse((response) => response.url().endsWith(`/grants/${workspace.id}`) && response.request().method() === 'PUT');
    await role.selectOption({ label: 'Admin' });
    assert.equal((await changed).status(), 200);
    assert.equal(await grantOf(group.id, workspace.id), 'admin');

    await page.getByRole('button', { name: `Revoke the grant in ${workspace.name}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('cell', { name: 'No Workspace role granted yet.' }).waitFor();
    assert.equal(await grantOf(group.id, workspace.id), undefined);
  });

  it('shows what Roster refuses: a member removed from the group meanwhile', async () => {
    const org = await makeOrganization();
    const kim = await makeMember(org.id);
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Ops'), managedBy: 'none', memberIds: [] }));
    await tx((t) => addGroupMembers(t, system, org.id, group.id, [kim.id]));
    const visit = await signedIn(org.id, org.admin.userName, `/groups/${group.id}`);
    const { page } = visit;
    await page.getByRole('button', { name: `Remove ${kim.userName}` }).click();
    await db()('group_members').where({ group_id: group.id }).delete();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();
    await checkPage(visit, 'group-refusal');
  });

  it('creates a group and adds a member with the keyboard alone', async () => {
    const org = await makeOrganization();
    const kim = await makeMember(org.id);
    const name = unique('Keyboard');
    const visit = await signedIn(org.id, org.admin.userName);
    const { page } = visit;
    const focused = (locator: ReturnType<Page['getByRole']>) => locator.evaluate((element) => element === document.activeElement);
    const tabTo = async (locator: ReturnType<Page['getByRole']>, most = 30) => {
      for (let presses = 0; presses < most && !(await focused(locator)); presses++) await page.keyboard.press('Tab');
      assert.ok(await focused(locator), 'Tab reaches it');
    };

    const field = page.getByLabel('Group name');
    await field.waitFor();
    await tabTo(field);
    await page.keyboard.type(name);
    await page.keyboard.press('Enter');
    const link = page.getByRole('link', { name });
    await link.waitFor();
    await tabTo(link);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name, level: 1 }).waitFor();

    const search = page.getByLabel('Find a member by last name or email');
    await tabTo(search);
    await page.keyboard.type(kim.userName);
    const add = page.getByRole('button', { name: `Add ${kim.userName}` });
    await add.waitFor();
    await tabTo(add, 5);
    await page.keyboard.press('Enter');
    await row(page, kim.userName).waitFor();
    const group = await groupNamed(org.id, name);
    assert.ok(group);
    assert.equal(await countRows('group_members', { group_id: group.id, member_id: kim.id }), 1);
  });
});
