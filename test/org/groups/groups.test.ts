import assert from 'node:assert/strict';
import {
  addGroupMembers,
  createGroup,
  deleteGroup,
  getGroup,
  listGroupMemberIds,
  pageGroupMembers,
  pageGroups,
  removeGroupMember,
  removeGroupMembers,
  replaceGroupMembers,
  updateGroup,
} from '../../../src/org/groups/groups.service.js';
import { grantGroupRole, listGroupGrants } from '../../../src/org/groups/group-grants.service.js';
import type { Actor } from '../../../src/org/organizations/types.js';
import { countRows, makeMember, makeOrganization, rejectionOf, system, tx, unique } from '../../support/factories.js';

const scim: Actor = { type: 'scim_token', id: 'okta' };

describe('groups', () => {
  it('adds members in batches, skipping those already in, never duplicating', async () => {
    const org = await makeOrganization();
    const members = await Promise.all(Array.from({ length: 4 }, () => makeMember(org.id)));
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Eng'), memberIds: [members[0]!.id] }));
    const ids = members.map((member) => member.id);

    const added = await tx((t) => addGroupMembers(t, system, org.id, group.id, [...ids, ids[1]!]));

    assert.deepEqual(added.sort(), ids.slice(1).sort());
    assert.deepEqual(await tx((t) => addGroupMembers(t, system, org.id, group.id, ids)), []);
    assert.equal(await countRows('group_members', { group_id: group.id }), 4);
    assert.equal((await tx((t) => getGroup(t, org.id, group.id))).version, 2);
  });

  it('never duplicates a member when overlapping adds run at once', async () => {
    const org = await makeOrganization();
    const members = await Promise.all(Array.from({ length: 6 }, () => makeMember(org.id)));
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Race') }));
    const ids = members.map((member) => member.id);
    await Promise.all([ids.slice(0, 4), ids.slice(2), ids].map((batch) => tx((t) => addGroupMembers(t, system, org.id, group.id, batch))));
    assert.deepEqual((await tx((t) => listGroupMemberIds(t, org.id, group.id))).sort(), [...ids].sort());
  });

  it('refuses unknown, malformed or foreign member ids together and changes nothing', async () => {
    const [org, other] = [await makeOrganization(), await makeOrganization()];
    const member = await makeMember(org.id);
    const stranger = await makeMember(other.id);
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Mixed') }));

    const error = await rejectionOf(tx((t) => addGroupMembers(t, system, org.id, group.id, [member.id, stranger.id, 'not-an-id'])));

    assert.equal(error.code, 'unknown_members');
    assert.deepEqual((error.details!.memberIds as string[]).sort(), [stranger.id, 'not-an-id'].sort());
    assert.equal(await countRows('group_members', { group_id: group.id }), 0);
    assert.equal(await countRows('audit_events', { target_id: group.id, action: 'group.updated' }), 0);
  });

  it('removes members, ignoring ids that are not in the group, and replaces all members', async () => {
    const org = await makeOrganization();
    const [a, b, c] = [await makeMember(org.id), await makeMember(org.id), await makeMember(org.id)];
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Ops'), memberIds: [a.id, b.id] }));
    assert.deepEqual(await tx((t) => removeGroupMembers(t, system, org.id, group.id, [b.id, c.id])), [b.id]);
    const replaced = await tx((t) => replaceGroupMembers(t, system, org.id, group.id, [b.id, c.id]));
    assert.deepEqual(replaced.removed, [a.id]);
    assert.deepEqual(replaced.added.sort(), [b.id, c.id].sort());
    assert.deepEqual((await tx((t) => listGroupMemberIds(t, org.id, group.id))).sort(), [b.id, c.id].sort());
  });

  it("keeps a SCIM-pushed group's name and members for the IdP, but lets admins grant it roles", async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const group = await tx((t) => createGroup(t, scim, org.id, { displayName: unique('Pushed') }));
    assert.equal(group.managedBy, 'scim');

    for (const attempt of [
      () => tx((t) => updateGroup(t, org.adminActor, org.id, group.id, { displayName: 'Renamed' })),
      () => tx((t) => addGroupMembers(t, org.adminActor, org.id, group.id, [member.id])),
      () => tx((t) => deleteGroup(t, org.adminActor, org.id, group.id)),
    ]) {
      assert.equal((await rejectionOf(attempt())).code, 'externally_managed');
    }
    await tx((t) => grantGroupRole(t, org.adminActor, org.id, group.id, org.defaultWorkspace.id, 'admin'));
    const renamed = await tx((t) => updateGroup(t, scim, org.id, group.id, { displayName: 'Renamed by IdP' }));
    assert.equal(renamed.displayName, 'Renamed by IdP');
  });

  it('deletes a group with its memberships and grants, leaving its members', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Gone'), memberIds: [member.id] }));
    await tx((t) => grantGroupRole(t, system, org.id, group.id, org.defaultWorkspace.id, 'admin'));
    await tx((t) => deleteGroup(t, system, org.id, group.id));
    assert.equal(await countRows('group_members', { group_id: group.id }), 0);
    assert.equal(await countRows('group_workspace_grants', { group_id: group.id }), 0);
    assert.equal(await countRows('members', { id: member.id }), 1);
  });

  it("pages groups by displayName and a group's members by userName", async () => {
    const org = await makeOrganization();
    const tag = unique('g');
    const members = await Promise.all(['Zed', 'ann', 'Bob'].map((name) => makeMember(org.id, { profile: { userName: `${name}.${tag}@example.test` } })));
    for (const name of ['beta', 'Alpha', 'gamma']) {
      await tx((t) => createGroup(t, system, org.id, { displayName: `${name} ${tag}`, memberIds: members.map((member) => member.id) }));
    }

    const first = await tx((t) => pageGroups(t, org.id, { limit: 2 }));
    const second = await tx((t) => pageGroups(t, org.id, { limit: 2, after: first.next! }));

    assert.deepEqual(
      [...first.items, ...second.items].map((group) => group.displayName.split(' ')[0]),
      ['Alpha', 'beta', 'gamma'],
    );
    assert.equal(second.next, null);
    const people = await tx((t) => pageGroupMembers(t, org.id, first.items[0]!.id, { limit: 10 }));
    assert.deepEqual(
      people.items.map((entry) => entry.userName.split('.')[0]),
      ['ann', 'Bob', 'Zed'],
    );
    assert.equal(people.next, null);
  });

  it('removes one member, and answers "not found" for a member who is not in the group', async () => {
    const org = await makeOrganization();
    const [inside, outside] = [await makeMember(org.id), await makeMember(org.id)];
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('One'), memberIds: [inside.id] }));
    await tx((t) => removeGroupMember(t, system, org.id, group.id, inside.id));
    assert.equal((await rejectionOf(tx((t) => removeGroupMember(t, system, org.id, group.id, outside.id)))).code, 'group_member_not_found');
    assert.equal(await countRows('group_members', { group_id: group.id }), 0);
    assert.equal(await countRows('audit_events', { target_id: group.id, action: 'group.updated' }), 1);
  });

  it('records a grant once: granting the same role again changes nothing, changing it is one more event', async () => {
    const org = await makeOrganization();
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Grants') }));
    await tx((t) => grantGroupRole(t, system, org.id, group.id, org.defaultWorkspace.id, 'contributor'));
    await tx((t) => grantGroupRole(t, system, org.id, group.id, org.defaultWorkspace.id, 'contributor'));
    await tx((t) => grantGroupRole(t, system, org.id, group.id, org.defaultWorkspace.id, 'admin'));
    assert.deepEqual(await tx((t) => listGroupGrants(t, org.id, group.id)), [{ groupId: group.id, workspaceId: org.defaultWorkspace.id, role: 'admin' }]);
    assert.equal(await countRows('audit_events', { target_id: group.id, action: 'group.role_granted' }), 2);
  });
});
