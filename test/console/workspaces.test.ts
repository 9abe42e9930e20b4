import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createGroup } from '../../src/org/groups/groups.service.js';
import { grantGroupRole } from '../../src/org/groups/group-grants.service.js';
import { createWorkspace, deleteWorkspace } from '../../src/org/workspaces/workspaces.service.js';
import { checkPage, describeInBrowser, useRosterInBrowser } from '../support/browser.js';
import { signedInWithCookie } from '../support/console-flows.js';
import { db } from '../support/database.js';
import { makeMember, makeOrganization, system, tx, unique } from '../support/factories.js';

describeInBrowser('the Workspaces pages in a browser', function () {
  this.timeout(90_000);
  const roster = useRosterInBrowser();

  const signedIn = (organizationId: string, email: string, path = '/workspaces') => signedInWithCookie(roster, organizationId, email, path);
  const row = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });
  const workspacesOf = async (organizationId: string) =>
    ((await db()('workspaces').where({ organization_id: organizationId }).orderBy('name')) as Array<{ id: string; name: string; is_default: boolean }>).map(
      (workspace) => workspace.name,
    );
  const membershipOf = async (workspaceId: string, memberId: string) =>
    ((await db()('workspace_members').where({ workspace_id: workspaceId, member_id: memberId }).first()) as { role: string } | undefined)?.role;

  it('lets an Admin create, rename and delete a Workspace, never the default one, and shows what Roster refuses', async () => {
    const org = await makeOrganization();
    const visit = await signedIn(org.id, org.admin.userName);
    const { page } = visit;
    const name = unique('Design');
    await page.getByRole('heading', { name: 'Workspaces', level: 1 }).waitFor();
    const standard = row(page, org.defaultWorkspace.name);
    await standard.getByTitle('Every member is in it; it cannot be deleted').waitFor();
    assert.equal(await standard.getByRole('button', { name: /Delete/ }).count(), 0, 'the default Workspace has no Delete');

    await page.getByLabel('Workspace name').fill(name);
    await page.getByRole('button', { name: 'Create Workspace' }).click();
    await row(page, name).waitFor();
    assert.equal(await row(page, name).getByTitle('Every member is in it; it cannot be deleted').count(), 0);
    assert.deepEqual((await workspacesOf(org.id)).sort(), [org.defaultWorkspace.name, name].sort());
    const created = (await db()('workspaces').where({ organization_id: org.id, name }).first()) as { id: string };
    assert.equal(await membershipOf(created.id, org.admin.id), 'admin', 'the Admin who made it is its admin');
    assert.equal(await page.getByLabel('Workspace name').inputValue(), '');
    await checkPage(visit, 'workspaces');
    await page.getByLabel('Workspace name').fill(name.toUpperCase());
    await page.getByRole('button', { name: 'Create Workspace' }).click();
    await page.getByRole('alert').filter({ hasText: 'workspace_name_taken' }).waitFor();
    assert.equal((await workspacesOf(org.id)).length, 2);

    await page.getByRole('button', { name: `Rename ${name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Rename ${name}` });
    await dialog.getByLabel('New name').fill('   ');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByRole('alert').filter({ hasText: '400' }).waitFor();
    await checkPage(visit, 'workspaces-rename-refused');
    const renamed = `${name} renamed`;
    await dialog.getByLabel('New name').fill(renamed);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row(page, renamed).waitFor();
    assert.equal(((await db()('workspaces').where({ id: created.id }).first()) as { name: string }).name, renamed);

    await page.getByRole('button', { name: `Delete ${renamed}` }).click();
    await checkPage(visit, 'workspaces-delete-confirm');
    await page
      .getByRole('alertdialog', { name: `Delete ${renamed}?` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await row(page, renamed).waitFor({ state: 'detached' });
    assert.deepEqual(await workspacesOf(org.id), [org.defaultWorkspace.name]);

    // Deleted meanwhile by someone else: Roster's answer is shown, not swallowed.
    const gone = await tx((t) => createWorkspace(t, system, org.id, unique('Gone')));
    await page.reload();
    await page.getByRole('button', { name: `Delete ${gone.name}` }).click();
    await tx((t) => deleteWorkspace(t, system, org.id, gone.id));
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();
  });

  it('adds a member to a Workspace as contributor, makes them admin and removes them', async () => {
    const org = await makeOrganization();
    const kim = await makeMember(org.id);
    const workspace = await tx((t) => createWorkspace(t, system, org.id, unique('Research')));
    const visit = await signedIn(org.id, org.admin.userName);
    const { page } = visit;
    await page.getByRole('link', { name: workspace.name }).click();
    await page.getByRole('heading', { name: workspace.name, level: 1 }).waitFor();
    await page.getByRole('cell', { name: 'No direct member yet.' }).waitFor();

    await page.getByLabel('Find a member by last name or email').fill(kim.userName);
    await page
      .getByRole('list', { name: 'Matching members' })
      .getByRole('button', { name: `Add ${kim.userName}` })
      .click();
    await row(page, kim.userName).waitFor();
    assert.equal(await page.getByLabel(`Role of ${kim.userName}`).inputValue(), 'contributor');
    assert.equal(await membershipOf(workspace.id, kim.id), 'contributor');
    await checkPage(visit, 'workspace-members');

    const changed = page.waitForResponse((response) => response.url().endsWith(`/members/${kim.id}`) && response.request().method() === 'PUT');
    await page.getByLabel(`Role of ${kim.userName}`).selectOption({ label: 'Admin' });
    assert.equal((await changed).status(), 200);
    assert.equal(await membershipOf(workspace.id, kim.id), 'admin');

    await page.getByRole('button', { name: `Remove ${kim.userName}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
    await row(page, kim.userName).waitFor({ state: 'detached' });
    assert.equal(await membershipOf(workspace.id, kim.id), undefined);
  });

  it('lists the groups that grant a role in a Workspace, each linking to its group', async () => {
    const org = await makeOrganization();
    const workspace = await tx((t) => createWorkspace(t, system, org.id, unique('Studio')));
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Artists') }));
    const visit = await signedIn(org.id, org.admin.userName, `/workspaces/${workspace.id}`);
    const { page } = visit;
    await page.getByRole('cell', { name: 'No group grants a role here.' }).waitFor();
    await tx((t) => grantGroupRole(t, system, org.id, group.id, workspace.id, 'admin'));
    await page.reload();
    const granted = row(page, group.displayName);
    await granted.waitFor();
    assert.match(await granted.innerText(), /Admin/);
    await checkPage(visit, 'workspace-grants');
    await granted.getByRole('link', { name: group.displayName }).click();
    await page.getByRole('heading', { name: group.displayName, level: 1 }).waitFor();
    assert.equal(await page.getByLabel(`Role in ${workspace.name}`).inputValue(), 'admin');
  });

  it('changes roles in the default Workspace but offers no removal from it', async () => {
    const org = await makeOrganization();
    const kim = await makeMember(org.id);
    const visit = await signedIn(org.id, org.admin.userName, `/workspaces/${org.defaultWorkspace.id}`);
    const { page } = visit;
    await row(page, kim.userName).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Remove/ }).count(), 0);
    // Listening before the change: its answer may come back before selectOption returns.
    const changed = page.waitForResponse((response) => response.url().endsWith(`/members/${kim.id}`) && response.request().method() === 'PUT');
    await page.getByLabel(`Role of ${kim.userName}`).selectOption({ label: 'Admin' });
    await changed;
    assert.equal(await membershipOf(org.defaultWorkspace.id, kim.id), 'admin');
    await checkPage(visit, 'workspace-default');
  });

  it('shows neither Workspaces nor Groups to Billing and Members, and tells Billing "Not allowed" on /groups', async () => {
    const org = await makeOrganization();
    const billing = await makeMember(org.id, { role: 'billing' });
    const member = await makeMember(org.id);
    for (const who of [billing, member]) {
      const visit = await signedIn(org.id, who.userName, '/');
      const nav = visit.page.getByRole('navigation', { name: 'Console' });
      await nav.getByRole('link', { name: 'My account' }).waitFor();
      assert.equal(await nav.getByRole('link', { name: 'Workspaces' }).count(), 0);
      assert.equal(await nav.getByRole('link', { name: 'Groups' }).count(), 0);
    }
    const asBilling = await signedIn(org.id, billing.userName, '/groups');
    await asBilling.page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor();
    assert.equal(await asBilling.page.getByRole('button', { name: 'Create group' }).count(), 0);
    await checkPage(asBilling, 'groups-forbidden');
    await asBilling.page.goto('/workspaces');
    await asBilling.page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor();
  });
});
