import assert from 'node:assert/strict';
import { effectiveAccess } from '../../src/org/workspaces/workspaces.service.js';
import { createWorkspace } from '../../src/org/workspaces/workspaces.service.js';
import { grantGroupRole } from '../../src/org/groups/group-grants.service.js';
import { listAuditEvents } from '../../src/org/audit/audit.service.js';
import { system, tx, unique } from '../support/factories.js';
import { fixture, scimClient, type ScimClient } from '../support/scim.js';

const lookup = (userName: string) => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`;

async function oktaCreatesUser(idp: ScimClient, userName = `${unique('okta')}@okta.local`) {
  const found = await idp.get(lookup(userName)).expect(200);
  assert.equal(found.body.totalResults, 0);
  const created = await idp.post('/Users', fixture('okta/create-user', { userName })).expect(201);
  return created.body as { id: string; userName: string };
}

describe('SCIM with Okta', () => {
  it('passes the connection test: first two users and first hundred groups, with integer paging fields', async () => {
    const idp = await scimClient();
    const users = await idp.get('/Users?startIndex=1&count=2').expect(200);
    assert.deepEqual(users.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    assert.equal(typeof users.body.totalResults, 'number');
    assert.equal(users.body.startIndex, 1);
    assert.equal(users.body.itemsPerPage, 1); // the Organization's first Admin
    const groups = await idp.get('/Groups?startIndex=1&count=100').expect(200);
    assert.deepEqual([groups.body.totalResults, groups.body.itemsPerPage, groups.body.Resources], [0, 0, []]);
  });

  it('creates a user with password, empty groups and its own id as externalId; never stores the password', async () => {
    const idp = await scimClient();
    const user = await oktaCreatesUser(idp);
    const read = await idp.get(`/Users/${user.id}`).expect(200);
    assert.equal(read.body.externalId, '00ujl29u0le5T6Aj10h7');
    assert.equal(read.body.password, undefined);
    assert.equal(read.body.meta.location, `https://roster.example.test/scim/v2/Users/${user.id}`);
    assert.ok(!JSON.stringify(read.body).includes('1mz050nq'));
  });

  it('answers a duplicate create with 409 uniqueness in the SCIM error schema, whatever the case', async () => {
    const idp = await scimClient();
    const user = await oktaCreatesUser(idp);
    const duplicate = await idp.post('/Users', fixture('okta/create-user', { userName: user.userName.toUpperCase() })).expect(409);
    assert.deepEqual(duplicate.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
    assert.equal(duplicate.body.status, '409');
    assert.equal(duplicate.body.scimType, 'uniqueness');
  });

  it('finds a user by userName in any case before creating, so no duplicate is made', async () => {
    const idp = await scimClient();
    const user = await oktaCreatesUser(idp);
    const found = await idp.get(lookup(user.userName.toUpperCase())).expect(200);
    assert.equal(found.body.totalResults, 1);
    assert.equal(found.body.Resources[0].id, user.id);
  });

  it('updates with GET then PUT of the full user', async () => {
    const idp = await scimClient();
    const user = await oktaCreatesUser(idp);
    const current = (await idp.get(`/Users/${user.id}`).expect(200)).body;
    const changed = { ...current, name: { givenName: 'Changed', familyName: 'User' }, title: 'Engineer' };
    const put = await idp.put(`/Users/${user.id}`, changed).expect(200);
    assert.equal(put.body.name.givenName, 'Changed');
    assert.equal(put.body.title, 'Engineer');
    assert.equal(put.body.meta.version, 'W/"2"');
  });

  it('deactivates with a path-less replace, also when the value carries the user id', async () => {
    const idp = await scimClient();
    const user = await oktaCreatesUser(idp);
    const off = await idp.patch(`/Users/${user.id}`, fixture('okta/deactivate-user-with-id', { userId: user.id })).expect(200);
    assert.equal(off.body.active, false);
    const on = await idp.patch(`/Users/${user.id}`, fixture('okta/reactivate-user')).expect(200);
    assert.equal(on.body.active, true);
    await idp.patch(`/Users/${user.id}`, fixture('okta/deactivate-user')).expect(200);
    assert.equal((await idp.get(`/Users/${user.id}`).expect(200)).body.active, false);
  });

  it('refuses a path-less replace that would change the id', async () => {
    const idp = await scimClient();
    const user = await oktaCreatesUser(idp);
    const other = '01a20000-0000-7000-8000-000000000000';
    const refused = await idp.patch(`/Users/${user.id}`, fixture('okta/deactivate-user-with-id', { userId: other })).expect(400);
    assert.equal(refused.body.scimType, 'mutability');
    assert.equal((await idp.get(`/Users/${user.id}`).expect(200)).body.active, true);
  });

  it('pushes a group: empty create, rename together with membership changes, and a replace of all members', async () => {
    const idp = await scimClient();
    const [a, b] = [await oktaCreatesUser(idp), await oktaCreatesUser(idp)];
    const group = (await idp.post('/Groups', fixture('okta/create-group', { displayName: 'Engineering' })).expect(201)).body;
    assert.deepEqual(group.members, []);
    await idp
      .patch(`/Groups/${group.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'members', value: [{ value: a.id }] }],
      })
      .expect(204);
    await idp
      .patch(
        `/Groups/${group.id}`,
        fixture('okta/group-membership-combined', { groupId: group.id, displayName: 'Engineering EU', removeId: a.id, addId: b.id, addUserName: b.userName }),
      )
      .expect(204);
    let read = (await idp.get(`/Groups/${group.id}`).expect(200)).body;
    assert.equal(read.displayName, 'Engineering EU');
    assert.deepEqual(
      read.members.map((member: { value: string }) => member.value),
      [b.id],
    );
    await idp.patch(`/Groups/${group.id}`, fixture('okta/replace-group-members', { memberId: a.id, memberUserName: a.userName })).expect(204);
    read = (await idp.get(`/Groups/${group.id}`).expect(200)).body;
    assert.deepEqual(
      read.members.map((member: { value: string }) => member.value),
      [a.id],
    );
  });

  it('rejects writes to the discovery endpoints with 405', async () => {
    const idp = await scimClient();
    for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/Schemas']) {
      const response = await idp.post(path, {}).expect(405);
      assert.equal(response.body.status, '405');
    }
  });

  it('runs a whole Okta lifecycle: create, lookup, update, group push with grants, deactivate, reactivate, delete', async () => {
    const idp = await scimClient();
    const workspace = await tx((t) => createWorkspace(t, system, idp.org.id, unique('Platform')));
    const user = await oktaCreatesUser(idp);
    assert.equal((await idp.get(lookup(user.userName)).expect(200)).body.totalResults, 1);
    const current = (await idp.get(`/Users/${user.id}`).expect(200)).body;
    await idp.put(`/Users/${user.id}`, { ...current, displayName: 'Test U.' }).expect(200);

    const group = (await idp.post('/Groups', fixture('okta/create-group', { displayName: 'Platform team' })).expect(201)).body;
    await tx((t) => grantGroupRole(t, system, idp.org.id, group.id, workspace.id, 'contributor'));
    await idp.patch(`/Groups/${group.id}`, fixture('okta/replace-group-members', { memberId: user.id, memberUserName: user.userName })).expect(204);
    const access = await tx((t) => effectiveAccess(t, idp.org.id, user.id));
    assert.ok(
      access.some((entry) => entry.workspaceId === workspace.id && entry.role === 'contributor'),
      'the group grant applies at once',
    );

    await idp.patch(`/Users/${user.id}`, fixture('okta/deactivate-user')).expect(200);
    assert.equal((await idp.get(`/Users/${user.id}`).expect(200)).body.active, false, 'inactive users are still returned');
    await idp.patch(`/Users/${user.id}`, fixture('okta/reactivate-user')).expect(200);
    await idp.delete(`/Users/${user.id}`).expect(204);
    await idp.get(`/Users/${user.id}`).expect(404);

    const events = await tx((t) => listAuditEvents(t, { organizationId: idp.org.id, limit: 100 }));
    const bySCIM = events.filter((event) => event.actorType === 'scim_token');
    assert.ok(bySCIM.length >= 6, 'every SCIM change is recorded with the token as actor');
    assert.ok(bySCIM.some((event) => event.action === 'member.suspended') && bySCIM.some((event) => event.action === 'member.reactivated'));
  });
});
