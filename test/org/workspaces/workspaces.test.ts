import assert from 'node:assert/strict';
import { addGroupMembers, createGroup, removeGroupMembers } from '../../../src/org/groups/groups.service.js';
import { grantGroupRole } from '../../../src/org/groups/group-grants.service.js';
import {
  addWorkspaceMember,
  createWorkspace,
  deleteWorkspace,
  effectiveAccess,
  listWorkspaceMembers,
  listWorkspacesOfMember,
  pageWorkspaceMembers,
  removeWorkspaceMember,
  renameWorkspace,
  setWorkspaceRole,
} from '../../../src/org/workspaces/workspaces.service.js';
import { suspendMember } from '../../../src/org/members/member-changes.service.js';
import type { Anchor } from '../../../src/org/lists/page.js';
import { countRows, makeMember, makeOrganization, rejectionOf, system, tx, unique } from '../../support/factories.js';

describe('workspaces', () => {
  it('makes the member who creates a Workspace its admin, and renames it', async () => {
    const org = await makeOrganization();
    const workspace = await tx((t) => createWorkspace(t, org.adminActor, org.id, 'Design'));
    assert.deepEqual(await tx((t) => listWorkspaceMembers(t, org.id, workspace.id)), [{ workspaceId: workspace.id, memberId: org.admin.id, role: 'admin' }]);
    const renamed = await tx((t) => renameWorkspace(t, org.adminActor, org.id, workspace.id, 'Product design'));
    assert.equal(renamed.name, 'Product design');
  });

  it('refuses two Workspaces with one name in an Organization', async () => {
    const org = await makeOrganization();
    await tx((t) => createWorkspace(t, system, org.id, 'Ops'));
    assert.equal((await rejectionOf(tx((t) => createWorkspace(t, system, org.id, 'OPS')))).code, 'workspace_name_taken');
  });

  it('never deletes the default Workspace nor removes anyone from it', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    assert.equal((await rejectionOf(tx((t) => deleteWorkspace(t, system, org.id, org.defaultWorkspace.id)))).code, 'default_workspace');
    const error = await rejectionOf(tx((t) => removeWorkspaceMember(t, system, org.id, org.defaultWorkspace.id, member.id)));
    assert.equal(error.code, 'default_workspace_membership');
    assert.equal(await countRows('workspace_members', { workspace_id: org.defaultWorkspace.id, member_id: member.id }), 1);
  });

  it('adds, re-roles and removes members of another Workspace, one event per change', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const workspace = await tx((t) => createWorkspace(t, system, org.id, unique('Sales')));
    await tx((t) => addWorkspaceMember(t, system, org.id, workspace.id, member.id));
    await tx((t) => addWorkspaceMember(t, system, org.id, workspace.id, member.id));
    await tx((t) => setWorkspaceRole(t, system, org.id, workspace.id, member.id, 'admin'));
    await tx((t) => removeWorkspaceMember(t, system, org.id, workspace.id, member.id));
    assert.equal((await rejectionOf(tx((t) => removeWorkspaceMember(t, system, org.id, workspace.id, member.id)))).code, 'workspace_member_not_found');
    assert.equal(await countRows('audit_events', { target_id: workspace.id, action: 'workspace.member_added' }), 1);
    assert.equal(await countRows('audit_events', { target_id: workspace.id, action: 'workspace.member_role_changed' }), 1);
    assert.equal(await countRows('audit_events', { target_id: workspace.id, action: 'workspace.member_removed' }), 1);
  });

  it('grants access as the union of direct roles and group grants, the strongest role winning', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const [alpha, beta] = [
      await tx((t) => createWorkspace(t, system, org.id, unique('Alpha'))),
      await tx((t) => createWorkspace(t, system, org.id, unique('Beta'))),
    ];
    await tx((t) => addWorkspaceMember(t, system, org.id, alpha.id, member.id, 'contributor'));
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Leads') }));
    await tx((t) => grantGroupRole(t, system, org.id, group.id, alpha.id, 'admin'));
    await tx((t) => grantGroupRole(t, system, org.id, group.id, beta.id, 'contributor'));

    await tx((t) => addGroupMembers(t, system, org.id, group.id, [member.id]));
    const access = new Map((await tx((t) => effectiveAccess(t, org.id, member.id))).map((entry) => [entry.workspaceId, entry]));
    assert.equal(access.get(alpha.id)!.role, 'admin');
    assert.equal(access.get(alpha.id)!.direct, 'contributor');
    assert.deepEqual(access.get(alpha.id)!.viaGroups, [{ groupId: group.id, role: 'admin' }]);
    assert.equal(access.get(beta.id)!.role, 'contributor');
    assert.equal(access.get(org.defaultWorkspace.id)!.role, 'contributor');

    await tx((t) => removeGroupMembers(t, system, org.id, group.id, [member.id]));
    const after = new Map((await tx((t) => effectiveAccess(t, org.id, member.id))).map((entry) => [entry.workspaceId, entry.role]));
    assert.equal(after.get(alpha.id), 'contributor');
    assert.equal(after.has(beta.id), false);
  });

  it('deletes a Workspace with its memberships, grants and keys', async () => {
    const org = await makeOrganization();
    const workspace = await tx((t) => createWorkspace(t, org.adminActor, org.id, unique('Temp')));
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('G') }));
    await tx((t) => grantGroupRole(t, system, org.id, group.id, workspace.id, 'contributor'));
    await tx((t) => deleteWorkspace(t, system, org.id, workspace.id));
    assert.equal(await countRows('workspace_members', { workspace_id: workspace.id }), 0);
    assert.equal(await countRows('group_workspace_grants', { workspace_id: workspace.id }), 0);
    assert.equal(await countRows('groups', { id: group.id }), 1);
  });

  it('lists the Workspaces a member reaches, directly or through a group, and none while they are suspended', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const direct = await tx((t) => createWorkspace(t, system, org.id, unique('Direct')));
    const granted = await tx((t) => createWorkspace(t, system, org.id, unique('Granted')));
    await tx((t) => createWorkspace(t, system, org.id, unique('Elsewhere')));
    await tx((t) => addWorkspaceMember(t, system, org.id, direct.id, member.id));
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Readers'), memberIds: [member.id] }));
    await tx((t) => grantGroupRole(t, system, org.id, group.id, granted.id, 'contributor'));

    const reached = await tx((t) => listWorkspacesOfMember(t, org.id, member.id));

    assert.deepEqual(
      reached.map((workspace) => workspace.id),
      [org.defaultWorkspace.id, direct.id, granted.id],
    );
    await tx((t) => suspendMember(t, system, org.id, member.id));
    assert.deepEqual(await tx((t) => listWorkspacesOfMember(t, org.id, member.id)), []);
  });

  it("pages a Workspace's direct members by userName, case-insensitively, without skipping or repeating", async () => {
    const org = await makeOrganization();
    const workspace = await tx((t) => createWorkspace(t, system, org.id, unique('Paged')));
    const tag = unique('p');
    const names = ['Bea', 'amy', 'Cid', 'dan', 'Eve'].map((name) => `${name}.${tag}@example.test`);
    for (const userName of names) {
      const member = await makeMember(org.id, { profile: { userName } });
      await tx((t) => addWorkspaceMember(t, system, org.id, workspace.id, member.id, userName.startsWith('Cid') ? 'admin' : 'contributor'));
    }

    const seen: string[] = [];
    let after: Anchor | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await tx((t) => pageWorkspaceMembers(t, org.id, workspace.id, { limit: 2, ...(after ? { after } : {}) }));
      seen.push(...page.items.map((entry) => entry.userName));
      if (!page.next) break;
      after = page.next;
    }

    assert.deepEqual(
      seen,
      [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
    );
    const first = await tx((t) => pageWorkspaceMembers(t, org.id, workspace.id, { limit: 200 }));
    assert.equal(first.next, null);
    assert.equal(first.items.find((entry) => entry.userName.startsWith('Cid'))!.role, 'admin');
    assert.equal((await rejectionOf(tx((t) => pageWorkspaceMembers(t, org.id, workspace.id, { limit: 0 })))).code, 'invalid_limit');
    assert.equal((await rejectionOf(tx((t) => pageWorkspaceMembers(t, org.id, workspace.id, { limit: 5, after: ['x', 'nope'] })))).code, 'invalid_cursor');
  });

  it('answers "not found" for another Organization\'s member, even in the default Workspace', async () => {
    const [org, other] = [await makeOrganization(), await makeOrganization()];
    const stranger = await makeMember(other.id);
    const error = await rejectionOf(tx((t) => removeWorkspaceMember(t, system, org.id, org.defaultWorkspace.id, stranger.id)));
    assert.equal(error.code, 'member_not_found');
    assert.equal(await countRows('workspace_members', { member_id: stranger.id }), 1);
  });
});
