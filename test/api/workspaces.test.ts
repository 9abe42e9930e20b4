import assert from 'node:assert/strict';
import request from 'supertest';
import { createGroup } from '../../src/org/groups/groups.service.js';
import { grantGroupRole } from '../../src/org/groups/group-grants.service.js';
import { addWorkspaceMember, createWorkspace, effectiveAccess } from '../../src/org/workspaces/workspaces.service.js';
import { apiClient, authApp, sessionFor } from '../support/auth.js';
import { countRows, makeMember, makeOrganization, system, tx, unique } from '../support/factories.js';

describe('/api/v1/workspaces', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });

  const as = (token: string) => apiClient(app, token);
  const eventsOf = (organizationId: string) => countRows('audit_events', { organization_id: organizationId });
  const accessOf = async (organizationId: string, memberId: string) =>
    new Map((await tx((t) => effectiveAccess(t, organizationId, memberId))).map((entry) => [entry.workspaceId, entry.role]));

  it('lets an Admin create, list, rename and delete Workspaces, one audit event per change', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const before = await eventsOf(org.id);
    const name = unique('Design');

    const created = await admin.post('/workspaces', { name: `  ${name}  ` }).expect(201);
    assert.equal(created.body.name, name);
    assert.equal(created.body.isDefault, false);
    assert.equal(created.body.createdByMemberId, org.admin.id);
    assert.match(created.body.createdAt, /^\d{4}-\d\d-\d\dT/);
    assert.equal(await eventsOf(org.id), before + 1);

    const listed = (await admin.get('/workspaces').expect(200)).body.workspaces as Array<{ id: string; isDefault: boolean }>;
    assert.deepEqual(
      listed.map((workspace) => [workspace.id, workspace.isDefault]),
      [
        [org.defaultWorkspace.id, true],
        [created.body.id, false],
      ],
    );

    assert.equal((await admin.patch(`/workspaces/${created.body.id}`, { name: 'Product design' }).expect(200)).body.name, 'Product design');
    await admin.patch(`/workspaces/${created.body.id}`, { name: 'Product design' }).expect(200);
    assert.equal(await eventsOf(org.id), before + 2, 'renaming to the same name changes nothing');

    await admin.delete(`/workspaces/${created.body.id}`).expect(204);
    assert.equal(await eventsOf(org.id), before + 3);
    assert.equal(await countRows('audit_events', { target_id: created.body.id, action: 'workspace.deleted', actor_id: org.admin.id }), 1);
    await admin.delete(`/workspaces/${created.body.id}`).expect(404);
    assert.equal((await admin.get('/workspaces').expect(200)).body.workspaces.length, 1);
  });

  it('adds members, changes their role and removes them, and their access follows at once', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const workspace = (await admin.post('/workspaces', { name: unique('Sales') }).expect(201)).body;
    const before = await eventsOf(org.id);

    assert.deepEqual((await admin.put(`/workspaces/${workspace.id}/members/${member.id}`, { role: 'contributor' }).expect(200)).body, {
      workspaceId: workspace.id,
      memberId: member.id,
      role: 'contributor',
    });
    assert.equal((await accessOf(org.id, member.id)).get(workspace.id), 'contributor');
    await admin.put(`/workspaces/${workspace.id}/members/${member.id}`, { role: 'contributor' }).expect(200);
    await admin.put(`/workspaces/${workspace.id}/members/${member.id}`, { role: 'admin' }).expect(200);
    assert.equal((await accessOf(org.id, member.id)).get(workspace.id), 'admin');

    const members = (await admin.get(`/workspaces/${workspace.id}/members`).expect(200)).body;
    assert.equal(members.nextCursor, null);
    assert.deepEqual(
      members.members.map((entry: { memberId: string; role: string }) => [entry.memberId, entry.role]).sort(),
      [
        [org.admin.id, 'admin'],
        [member.id, 'admin'],
      ].sort(),
    );
    assert.deepEqual(Object.keys(members.members[0]).sort(), ['displayName', 'memberId', 'role', 'status', 'userName']);

    await admin.delete(`/workspaces/${workspace.id}/members/${member.id}`).expect(204);
    assert.equal((await accessOf(org.id, member.id)).has(workspace.id), false);
    assert.equal((await admin.delete(`/workspaces/${workspace.id}/members/${member.id}`).expect(404)).body.error.code, 'workspace_member_not_found');
    for (const action of ['workspace.member_added', 'workspace.member_role_changed', 'workspace.member_removed']) {
      assert.equal(await countRows('audit_events', { target_id: workspace.id, action }), 1, action);
    }
    assert.equal(await eventsOf(org.id), before + 3);
  });

  it('never deletes the default Workspace nor removes anyone from it, but changes roles there', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const defaultId = org.defaultWorkspace.id;

    assert.equal((await admin.delete(`/workspaces/${defaultId}`).expect(409)).body.error.code, 'default_workspace');
    assert.equal((await admin.delete(`/workspaces/${defaultId}/members/${member.id}`).expect(409)).body.error.code, 'default_workspace_membership');
    assert.equal(await countRows('workspaces', { id: defaultId }), 1);
    assert.equal(await countRows('workspace_members', { workspace_id: defaultId, member_id: member.id }), 1);

    await admin.put(`/workspaces/${defaultId}/members/${member.id}`, { role: 'admin' }).expect(200);
    assert.equal((await accessOf(org.id, member.id)).get(defaultId), 'admin');
  });

  it('pages a Workspace’s members by userName with an opaque cursor, skipping and repeating nobody', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const workspace = (await admin.post('/workspaces', { name: unique('Big') }).expect(201)).body;
    const tag = unique('w');
    for (const name of ['dora', 'Bert', 'carl', 'Anna', 'eli']) {
      const member = await makeMember(org.id, { profile: { userName: `${name}.${tag}@example.test` } });
      await tx((t) => addWorkspaceMember(t, system, org.id, workspace.id, member.id));
    }

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { body: { members: Array<{ userName: string }>; nextCursor: string | null } } = await admin
        .get(`/workspaces/${workspace.id}/members?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        .expect(200);
      assert.ok(page.body.members.length <= 2);
      seen.push(...page.body.members.map((entry) => entry.userName));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);

    assert.equal(pages, 3);
    assert.equal(seen.length, 6);
    assert.deepEqual(
      seen.filter((name) => name.includes(tag)).map((name) => name.split('.')[0]),
      ['Anna', 'Bert', 'carl', 'dora', 'eli'],
    );
    assert.equal(new Set(seen).size, 6);
  });

  it('lists the groups granting a role in a Workspace by displayName, a page at a time, and only that Workspace’s', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const workspace = await tx((t) => createWorkspace(t, system, org.id, unique('Shared')));
    const tag = unique('g');
    const groups: Array<Awaited<ReturnType<typeof createGroup>>> = [];
    for (const name of ['delta', 'Bravo', 'charlie', 'Alpha']) groups.push(await tx((t) => createGroup(t, system, org.id, { displayName: `${name} ${tag}` })));
    for (const [index, group] of groups.entries())
      await tx((t) => grantGroupRole(t, system, org.id, group.id, workspace.id, index === 1 ? 'admin' : 'contributor'));
    await tx((t) => grantGroupRole(t, system, org.id, groups[0]!.id, org.defaultWorkspace.id, 'admin'));
    await tx((t) => createGroup(t, system, org.id, { displayName: `Aardvark ${tag}` }));

    const first = (await admin.get(`/workspaces/${workspace.id}/grants?limit=3`).expect(200)).body;
    assert.deepEqual(
      first.grants.map((grant: { displayName: string }) => grant.displayName.split(' ')[0]),
      ['Alpha', 'Bravo', 'charlie'],
    );
    assert.deepEqual(first.grants[1], { groupId: groups[1]!.id, displayName: `Bravo ${tag}`, managedBy: 'none', role: 'admin' });
    const second = (await admin.get(`/workspaces/${workspace.id}/grants?limit=3&cursor=${encodeURIComponent(first.nextCursor)}`).expect(200)).body;
    assert.deepEqual(
      second.grants.map((grant: { groupId: string }) => grant.groupId),
      [groups[0]!.id],
    );
    assert.equal(second.nextCursor, null);
    const other = (await admin.get(`/workspaces/${org.defaultWorkspace.id}/grants`).expect(200)).body;
    assert.deepEqual(
      other.grants.map((grant: { groupId: string; role: string }) => [grant.groupId, grant.role]),
      [[groups[0]!.id, 'admin']],
    );
  });

  it('lets Billing and Members list only the Workspaces they reach, and nothing else', async () => {
    const org = await makeOrganization();
    const [billing, member] = [await makeMember(org.id, { role: 'billing' }), await makeMember(org.id)];
    const [direct, granted, hidden] = [
      await tx((t) => createWorkspace(t, system, org.id, unique('Direct'))),
      await tx((t) => createWorkspace(t, system, org.id, unique('Granted'))),
      await tx((t) => createWorkspace(t, system, org.id, unique('Hidden'))),
    ];
    await tx((t) => addWorkspaceMember(t, system, org.id, direct.id, member.id));
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Team'), memberIds: [member.id] }));
    await tx((t) => grantGroupRole(t, system, org.id, group.id, granted.id, 'contributor'));

    for (const [who, expected] of [
      [member, [org.defaultWorkspace.id, direct.id, granted.id]],
      [billing, [org.defaultWorkspace.id]],
    ] as const) {
      const api = as(await sessionFor(app, org.id, who.userName));
      assert.deepEqual(
        (await api.get('/workspaces').expect(200)).body.workspaces.map((workspace: { id: string }) => workspace.id),
        expected,
      );
      const before = await eventsOf(org.id);
      for (const attempt of [
        api.post('/workspaces', { name: unique('Mine') }),
        api.patch(`/workspaces/${direct.id}`, { name: 'Taken over' }),
        api.delete(`/workspaces/${hidden.id}`),
        api.get(`/workspaces/${direct.id}/members`),
        api.get(`/workspaces/${direct.id}/grants`),
        api.put(`/workspaces/${direct.id}/members/${who.id}`, { role: 'admin' }),
        api.delete(`/workspaces/${direct.id}/members/${member.id}`),
      ]) {
        assert.equal((await attempt.expect(403)).body.error.code, 'forbidden_role');
      }
      assert.equal(await eventsOf(org.id), before);
    }
    assert.equal((await request(app).get('/api/v1/workspaces').expect(401)).body.error.code, 'not_signed_in');
  });

  it('answers bad input with 400 and changes nothing', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const workspace = (await admin.post('/workspaces', { name: unique('Ops') }).expect(201)).body;
    const before = await eventsOf(org.id);

    for (const [body, code] of [
      [{}, 'invalid_request'],
      [{ name: 42 }, 'invalid_request'],
      [{ name: 'x', isDefault: true }, 'invalid_request'],
      [{ name: '   ' }, 'invalid_value'],
      [{ name: 'x'.repeat(101) }, 'invalid_value'],
    ] as const) {
      assert.equal((await admin.post('/workspaces', body).expect(400)).body.error.code, code, JSON.stringify(body));
      assert.equal((await admin.patch(`/workspaces/${workspace.id}`, body).expect(400)).body.error.code, code, JSON.stringify(body));
    }
    assert.equal((await admin.post('/workspaces', { name: workspace.name.toUpperCase() }).expect(409)).body.error.code, 'workspace_name_taken');
    for (const body of [{}, { role: 'owner' }, { role: 'admin', extra: 1 }]) {
      assert.equal((await admin.put(`/workspaces/${workspace.id}/members/${member.id}`, body).expect(400)).body.error.code, 'invalid_request');
    }
    for (const query of ['limit=0', 'limit=201', 'limit=ten', 'sort=name', 'cursor=not-a-cursor', `cursor=${Buffer.from('["a","b"]').toString('base64url')}`]) {
      const code = (await admin.get(`/workspaces/${workspace.id}/members?${query}`).expect(400)).body.error.code;
      assert.ok(['invalid_request', 'invalid_cursor'].includes(code), `${query}: ${code}`);
    }
    assert.equal((await admin.get(`/workspaces/${workspace.id}/members?cursor=bm9wZQ`).expect(400)).body.error.code, 'invalid_cursor');
    await admin.patch('/workspaces/not-an-id', { name: 'x' }).expect(404);
    assert.equal(await eventsOf(org.id), before);
  });

  it('answers 404 for another Organization’s Workspaces and members, and changes nothing there', async () => {
    const [mine, theirs] = [await makeOrganization(), await makeOrganization()];
    const stranger = await makeMember(theirs.id);
    const theirWorkspace = await tx((t) => createWorkspace(t, system, theirs.id, unique('Theirs')));
    const admin = as(await sessionFor(app, mine.id, mine.admin.userName));
    const mineWorkspace = (await admin.post('/workspaces', { name: unique('Mine') }).expect(201)).body;
    const before = await eventsOf(theirs.id);

    for (const [attempt, code] of [
      [admin.patch(`/workspaces/${theirWorkspace.id}`, { name: 'Stolen' }), 'workspace_not_found'],
      [admin.delete(`/workspaces/${theirWorkspace.id}`), 'workspace_not_found'],
      [admin.get(`/workspaces/${theirWorkspace.id}/members`), 'workspace_not_found'],
      [admin.get(`/workspaces/${theirWorkspace.id}/grants`), 'workspace_not_found'],
      [admin.put(`/workspaces/${theirWorkspace.id}/members/${mine.admin.id}`, { role: 'admin' }), 'workspace_not_found'],
      [admin.delete(`/workspaces/${theirs.defaultWorkspace.id}/members/${stranger.id}`), 'workspace_not_found'],
      [admin.put(`/workspaces/${mineWorkspace.id}/members/${stranger.id}`, { role: 'admin' }), 'member_not_found'],
      [admin.delete(`/workspaces/${mineWorkspace.id}/members/${stranger.id}`), 'member_not_found'],
      [admin.delete(`/workspaces/${mine.defaultWorkspace.id}/members/${stranger.id}`), 'member_not_found'],
    ] as const) {
      assert.equal((await attempt.expect(404)).body.error.code, code);
    }
    assert.ok(!(await admin.get('/workspaces').expect(200)).body.workspaces.some((workspace: { id: string }) => workspace.id === theirWorkspace.id));
    assert.equal(await countRows('workspaces', { id: theirWorkspace.id, name: theirWorkspace.name }), 1);
    assert.equal(await countRows('workspace_members', { member_id: stranger.id }), 1);
    assert.equal(await eventsOf(theirs.id), before);
  });
});
