import assert from 'node:assert/strict';
import request from 'supertest';
import { addGroupMembers, createGroup } from '../../src/org/groups/groups.service.js';
import { grantGroupRole } from '../../src/org/groups/group-grants.service.js';
import type { Actor } from '../../src/org/organizations/types.js';
import { createWorkspace, effectiveAccess } from '../../src/org/workspaces/workspaces.service.js';
import { apiClient, authApp, sessionFor } from '../support/auth.js';
import { countRows, makeMember, makeOrganization, system, tx, unique } from '../support/factories.js';

const scim: Actor = { type: 'scim_token', id: 'okta' };

describe('/api/v1/groups', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });

  const as = (token: string) => apiClient(app, token);
  const eventsOf = (organizationId: string) => countRows('audit_events', { organization_id: organizationId });
  const roleIn = async (organizationId: string, memberId: string, workspaceId: string) =>
    (await tx((t) => effectiveAccess(t, organizationId, memberId))).find((entry) => entry.workspaceId === workspaceId)?.role;

  it('lets an Admin create, rename, fill, empty and delete a group, one audit event per change', async () => {
    const org = await makeOrganization();
    const [ann, bob] = [await makeMember(org.id), await makeMember(org.id)];
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const before = await eventsOf(org.id);

    const created = await admin.post('/groups', { displayName: 'Engineering' }).expect(201);
    assert.equal(created.body.displayName, 'Engineering');
    assert.equal(created.body.managedBy, 'none');
    assert.equal(created.body.externalId, null);
    const id = created.body.id as string;

    assert.equal((await admin.patch(`/groups/${id}`, { displayName: 'Platform' }).expect(200)).body.displayName, 'Platform');
    const read = (await admin.get(`/groups/${id}`).expect(200)).body;
    assert.deepEqual([read.id, read.displayName, read.managedBy, read.createdAt], [id, 'Platform', 'none', created.body.createdAt]);
    assert.deepEqual(
      (await admin.post(`/groups/${id}/members`, { memberIds: [ann.id, bob.id, ann.id] }).expect(200)).body.added.sort(),
      [ann.id, bob.id].sort(),
    );
    assert.deepEqual((await admin.post(`/groups/${id}/members`, { memberIds: [ann.id] }).expect(200)).body, { added: [] });
    const members = (await admin.get(`/groups/${id}/members`).expect(200)).body;
    assert.deepEqual(members.members.map((entry: { memberId: string }) => entry.memberId).sort(), [ann.id, bob.id].sort());
    assert.equal(members.nextCursor, null);
    assert.deepEqual(Object.keys(members.members[0]).sort(), ['displayName', 'memberId', 'status', 'userName']);

    await admin.delete(`/groups/${id}/members/${bob.id}`).expect(204);
    assert.equal((await admin.delete(`/groups/${id}/members/${bob.id}`).expect(404)).body.error.code, 'group_member_not_found');
    assert.equal(await eventsOf(org.id), before + 4, 'create, rename, add, remove');

    await admin.delete(`/groups/${id}`).expect(204);
    assert.equal(await eventsOf(org.id), before + 5);
    assert.equal(await countRows('audit_events', { target_id: id, action: 'group.deleted', actor_id: org.admin.id }), 1);
    await admin.get(`/groups/${id}/members`).expect(404);
    assert.equal(await countRows('members', { id: ann.id }), 1, 'deleting a group leaves its members');
  });

  it('creates a group with members in one change', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const before = await eventsOf(org.id);
    const created = await admin.post('/groups', { displayName: unique('Seeded'), memberIds: [member.id] }).expect(201);
    assert.equal(await countRows('group_members', { group_id: created.body.id, member_id: member.id }), 1);
    assert.equal(await eventsOf(org.id), before + 1);
  });

  it('gives every member of a group the Workspace role it is granted, at once, and takes it back with the grant', async () => {
    const org = await makeOrganization();
    const members = [await makeMember(org.id), await makeMember(org.id), await makeMember(org.id)];
    const workspace = await tx((t) => createWorkspace(t, system, org.id, unique('Granted')));
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const group = (await admin.post('/groups', { displayName: unique('Leads'), memberIds: members.slice(0, 2).map((member) => member.id) }).expect(201)).body;
    const before = await eventsOf(org.id);

    assert.deepEqual((await admin.put(`/groups/${group.id}/grants/${workspace.id}`, { role: 'contributor' }).expect(200)).body, {
      groupId: group.id,
      workspaceId: workspace.id,
      role: 'contributor',
    });
    for (const member of members.slice(0, 2)) assert.equal(await roleIn(org.id, member.id, workspace.id), 'contributor');
    assert.equal(await roleIn(org.id, members[2]!.id, workspace.id), undefined);

    await admin.put(`/groups/${group.id}/grants/${workspace.id}`, { role: 'contributor' }).expect(200);
    await admin.put(`/groups/${group.id}/grants/${workspace.id}`, { role: 'admin' }).expect(200);
    for (const member of members.slice(0, 2)) assert.equal(await roleIn(org.id, member.id, workspace.id), 'admin');
    await admin.post(`/groups/${group.id}/members`, { memberIds: [members[2]!.id] }).expect(200);
    assert.equal(await roleIn(org.id, members[2]!.id, workspace.id), 'admin', 'a member who joins the group holds its grants');
    assert.deepEqual((await admin.get(`/groups/${group.id}/grants`).expect(200)).body, {
      grants: [{ groupId: group.id, workspaceId: workspace.id, role: 'admin' }],
    });

    await admin.delete(`/groups/${group.id}/grants/${workspace.id}`).expect(204);
    for (const member of members) assert.equal(await roleIn(org.id, member.id, workspace.id), undefined);
    assert.equal((await admin.delete(`/groups/${group.id}/grants/${workspace.id}`).expect(404)).body.error.code, 'group_grant_not_found');
    assert.deepEqual((await admin.get(`/groups/${group.id}/grants`).expect(200)).body, { grants: [] });
    assert.equal(await eventsOf(org.id), before + 4, 'grant, change, add member, revoke; granting the same role again is no change');
  });

  it('keeps a SCIM-pushed group’s name and members read-only, but lets an Admin set its grants', async () => {
    const org = await makeOrganization();
    const [inside, outside] = [await makeMember(org.id), await makeMember(org.id)];
    const pushed = await tx((t) => createGroup(t, scim, org.id, { displayName: unique('Pushed'), externalId: 'okta-1', memberIds: [inside.id] }));
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const before = await eventsOf(org.id);

    const listed = (await admin.get('/groups').expect(200)).body.groups;
    assert.deepEqual(
      listed.map((group: { id: string; managedBy: string; externalId: string }) => [group.id, group.managedBy, group.externalId]),
      [[pushed.id, 'scim', 'okta-1']],
    );
    for (const attempt of [
      admin.patch(`/groups/${pushed.id}`, { displayName: 'Renamed' }),
      admin.delete(`/groups/${pushed.id}`),
      admin.post(`/groups/${pushed.id}/members`, { memberIds: [outside.id] }),
      admin.delete(`/groups/${pushed.id}/members/${inside.id}`),
    ]) {
      const refused = (await attempt.expect(409)).body.error;
      assert.equal(refused.code, 'externally_managed');
      assert.match(refused.message, /identity provider/);
    }
    assert.equal(await eventsOf(org.id), before);
    assert.equal(await countRows('group_members', { group_id: pushed.id }), 1);
    assert.equal(await countRows('groups', { id: pushed.id, display_name: pushed.displayName }), 1);

    await admin.put(`/groups/${pushed.id}/grants/${org.defaultWorkspace.id}`, { role: 'admin' }).expect(200);
    assert.equal(await roleIn(org.id, inside.id, org.defaultWorkspace.id), 'admin');
    await admin.delete(`/groups/${pushed.id}/grants/${org.defaultWorkspace.id}`).expect(204);
    assert.equal(await roleIn(org.id, inside.id, org.defaultWorkspace.id), 'contributor');
    assert.equal(await eventsOf(org.id), before + 2);
  });

  it('pages groups by displayName and a group’s members by userName with opaque cursors', async () => {
    const org = await makeOrganization();
    const tag = unique('p');
    const people = await Promise.all(['cy', 'Al', 'bo'].map((name) => makeMember(org.id, { profile: { userName: `${name}.${tag}@example.test` } })));
    for (const name of ['delta', 'Bravo', 'charlie', 'Alpha', 'echo']) {
      await tx((t) => createGroup(t, system, org.id, { displayName: name, memberIds: people.map((person) => person.id) }));
    }
    const admin = as(await sessionFor(app, org.id, org.admin.userName));

    const read = async (path: string, key: 'groups' | 'members', label: (item: Record<string, string>) => string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: Record<string, unknown> & { nextCursor: string | null } } = await admin
          .get(`${path}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
          .expect(200);
        seen.push(...(page.body[key] as Array<Record<string, string>>).map(label));
        cursor = page.body.nextCursor;
      } while (cursor && seen.length < 20);
      return seen;
    };

    assert.deepEqual(await read('/groups', 'groups', (group) => group.displayName!), ['Alpha', 'Bravo', 'charlie', 'delta', 'echo']);
    const first = (await admin.get('/groups?limit=1').expect(200)).body.groups[0];
    assert.deepEqual(await read(`/groups/${first.id}/members`, 'members', (member) => member.userName!.split('.')[0]!), ['Al', 'bo', 'cy']);
    assert.equal((await admin.get('/groups?limit=5').expect(200)).body.nextCursor, null, 'a page that ends the list has no next cursor');
  });

  it('refuses Billing and Members on every group route', async () => {
    const org = await makeOrganization();
    const [billing, member] = [await makeMember(org.id, { role: 'billing' }), await makeMember(org.id)];
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Team'), memberIds: [member.id] }));
    for (const who of [billing, member]) {
      const api = as(await sessionFor(app, org.id, who.userName));
      const before = await eventsOf(org.id);
      for (const attempt of [
        api.get('/groups'),
        api.get(`/groups/${group.id}`),
        api.post('/groups', { displayName: 'Mine' }),
        api.patch(`/groups/${group.id}`, { displayName: 'Taken over' }),
        api.delete(`/groups/${group.id}`),
        api.get(`/groups/${group.id}/members`),
        api.post(`/groups/${group.id}/members`, { memberIds: [who.id] }),
        api.delete(`/groups/${group.id}/members/${member.id}`),
        api.get(`/groups/${group.id}/grants`),
        api.put(`/groups/${group.id}/grants/${org.defaultWorkspace.id}`, { role: 'admin' }),
        api.delete(`/groups/${group.id}/grants/${org.defaultWorkspace.id}`),
      ]) {
        assert.equal((await attempt.expect(403)).body.error.code, 'forbidden_role');
      }
      assert.equal(await eventsOf(org.id), before);
    }
    assert.equal((await request(app).get('/api/v1/groups').expect(401)).body.error.code, 'not_signed_in');
  });

  it('answers bad input with 400 and changes nothing', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const group = (await admin.post('/groups', { displayName: unique('Ops') }).expect(201)).body;
    const before = await eventsOf(org.id);

    for (const [body, code] of [
      [{}, 'invalid_request'],
      [{ displayName: 7 }, 'invalid_request'],
      [{ displayName: 'x', managedBy: 'scim' }, 'invalid_request'],
      [{ displayName: '  ' }, 'invalid_value'],
      [{ displayName: 'x'.repeat(257) }, 'invalid_value'],
    ] as const) {
      assert.equal((await admin.post('/groups', body).expect(400)).body.error.code, code, JSON.stringify(body));
      assert.equal((await admin.patch(`/groups/${group.id}`, body).expect(400)).body.error.code, code, JSON.stringify(body));
    }
    for (const body of [{}, { memberIds: [] }, { memberIds: 'all' }, { memberIds: [1] }]) {
      assert.equal((await admin.post(`/groups/${group.id}/members`, body).expect(400)).body.error.code, 'invalid_request', JSON.stringify(body));
    }
    const unknown = await admin.post(`/groups/${group.id}/members`, { memberIds: [org.admin.id, 'not-an-id'] }).expect(400);
    assert.equal(unknown.body.error.code, 'unknown_members');
    assert.deepEqual(unknown.body.error.details.memberIds, ['not-an-id']);
    for (const body of [{}, { role: 'owner' }, { role: 'admin', until: 'tomorrow' }]) {
      assert.equal((await admin.put(`/groups/${group.id}/grants/${org.defaultWorkspace.id}`, body).expect(400)).body.error.code, 'invalid_request');
    }
    for (const query of ['limit=0', 'limit=500', 'limit=x', 'filter=displayName']) {
      assert.equal((await admin.get(`/groups?${query}`).expect(400)).body.error.code, 'invalid_request', query);
    }
    assert.equal((await admin.get('/groups?cursor=%%%').expect(400)).body.error.code, 'invalid_cursor');
    assert.equal(await countRows('group_members', { group_id: group.id }), 0);
    assert.equal(await eventsOf(org.id), before);
  });

  it('answers 404 for another Organization’s groups, Workspaces and members, and changes nothing there', async () => {
    const [mine, theirs] = [await makeOrganization(), await makeOrganization()];
    const stranger = await makeMember(theirs.id);
    const theirGroup = await tx((t) => createGroup(t, system, theirs.id, { displayName: unique('Theirs'), memberIds: [stranger.id] }));
    await tx((t) => grantGroupRole(t, system, theirs.id, theirGroup.id, theirs.defaultWorkspace.id, 'contributor'));
    const admin = as(await sessionFor(app, mine.id, mine.admin.userName));
    const myGroup = (await admin.post('/groups', { displayName: unique('Mine') }).expect(201)).body;
    await tx((t) => addGroupMembers(t, system, mine.id, myGroup.id, [mine.admin.id]));
    const before = await eventsOf(theirs.id);

    for (const [attempt, code] of [
      [admin.get(`/groups/${theirGroup.id}`), 'group_not_found'],
      [admin.patch(`/groups/${theirGroup.id}`, { displayName: 'Stolen' }), 'group_not_found'],
      [admin.delete(`/groups/${theirGroup.id}`), 'group_not_found'],
      [admin.get(`/groups/${theirGroup.id}/members`), 'group_not_found'],
      [admin.post(`/groups/${theirGroup.id}/members`, { memberIds: [mine.admin.id] }), 'group_not_found'],
      [admin.delete(`/groups/${theirGroup.id}/members/${stranger.id}`), 'group_not_found'],
      [admin.get(`/groups/${theirGroup.id}/grants`), 'group_not_found'],
      [admin.put(`/groups/${theirGroup.id}/grants/${mine.defaultWorkspace.id}`, { role: 'admin' }), 'group_not_found'],
      [admin.delete(`/groups/${theirGroup.id}/grants/${theirs.defaultWorkspace.id}`), 'group_not_found'],
      [admin.put(`/groups/${myGroup.id}/grants/${theirs.defaultWorkspace.id}`, { role: 'admin' }), 'workspace_not_found'],
      [admin.delete(`/groups/${myGroup.id}/grants/${theirs.defaultWorkspace.id}`), 'group_grant_not_found'],
      [admin.delete(`/groups/${myGroup.id}/members/${stranger.id}`), 'group_member_not_found'],
    ] as const) {
      assert.equal((await attempt.expect(404)).body.error.code, code);
    }
    // Ids in a body are input, not the resource addressed: an unknown one is a 400 that names it.
    assert.equal((await admin.post(`/groups/${myGroup.id}/members`, { memberIds: [stranger.id] }).expect(400)).body.error.code, 'unknown_members');
    assert.deepEqual(
      (await admin.get('/groups').expect(200)).body.groups.map((group: { id: string }) => group.id),
      [myGroup.id],
    );
    assert.equal(await countRows('group_members', { group_id: theirGroup.id }), 1);
    assert.equal(await countRows('group_workspace_grants', { group_id: theirGroup.id }), 1);
    assert.equal(await countRows('group_workspace_grants', { workspace_id: theirs.defaultWorkspace.id, group_id: myGroup.id }), 0);
    assert.equal(await eventsOf(theirs.id), before);
  });
});
