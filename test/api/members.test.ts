import assert from 'node:assert/strict';
import request from 'supertest';
import { createApiKey } from '../../src/org/credentials/credentials.service.js';
import { createGroup } from '../../src/org/groups/groups.service.js';
import { suspendMember } from '../../src/org/members/member-changes.service.js';
import { listSeatPools, setSeatLimit } from '../../src/org/seats/seats.service.js';
import { addWorkspaceMember, createWorkspace } from '../../src/org/workspaces/workspaces.service.js';
import { authApp, sessionFor } from '../support/auth.js';
import { countRows, makeMember, makeOrganization, system, tx, unique } from '../support/factories.js';

describe('/api/v1/members', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });

  const as = (token: string) => ({
    get: (path: string) => request(app).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app)
        .post(`/api/v1${path}`)
        .set('Authorization', `Bearer ${token}`)
        .send(body ?? {}),
    put: (path: string) => request(app).put(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send({}),
    patch: (path: string, body: object) => request(app).patch(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
    delete: (path: string) => request(app).delete(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
  });
  const signIn = async (organizationId: string, userName: string) => as(await sessionFor(app, organizationId, userName));

  /** An Organization with its Admin's client, a Billing member and a plain Member, each with their own client. */
  async function team() {
    const org = await makeOrganization();
    const billing = await makeMember(org.id, { role: 'billing' });
    const member = await makeMember(org.id);
    return {
      org,
      billing,
      member,
      asAdmin: await signIn(org.id, org.admin.userName),
      asBilling: await signIn(org.id, billing.userName),
      asMember: await signIn(org.id, member.userName),
    };
  }

  describe('listing', () => {
    it('searches last names and emails case-insensitively, filters by role and pages by cursor', async () => {
      const { org, asAdmin } = await team();
      const tag = unique('q');
      const smith = await makeMember(org.id, { profile: { userName: `${unique('a')}@example.test`, name: { givenName: 'Jo', familyName: `Smith${tag}` } } });
      const byEmail = await makeMember(org.id, { role: 'billing', profile: { userName: `${tag}.jones@example.test` } });
      await makeMember(org.id, { profile: { userName: `${unique('other')}@example.test`, name: { familyName: 'Unrelated' } } });

      const found = await asAdmin.get(`/members?q=${encodeURIComponent(tag.toUpperCase())}`).expect(200);
      assert.deepEqual(found.body.members.map((entry: { id: string }) => entry.id).sort(), [smith.id, byEmail.id].sort());
      const listed = found.body.members.find((entry: { id: string }) => entry.id === smith.id);
      assert.equal(listed.lastName, `Smith${tag}`);
      assert.equal(listed.firstName, 'Jo');
      assert.equal(listed.email, smith.userName);
      assert.equal(listed.externallyManaged, false);
      assert.equal(found.body.nextCursor, null);
      const billingOnly = await asAdmin.get(`/members?q=${tag}&role=billing`).expect(200);
      assert.deepEqual(
        billingOnly.body.members.map((entry: { id: string }) => entry.id),
        [byEmail.id],
      );
      assert.deepEqual((await asAdmin.get('/members?q=%25').expect(200)).body.members, [], 'a LIKE wildcard is matched as itself');

      // 6 members in all: pages of 4 and 2, no one twice, no one left out.
      const first = await asAdmin.get('/members?limit=4').expect(200);
      assert.equal(first.body.members.length, 4);
      assert.ok(first.body.nextCursor);
      const second = await asAdmin.get(`/members?limit=4&cursor=${first.body.nextCursor}`).expect(200);
      assert.equal(second.body.members.length, 2);
      assert.equal(second.body.nextCursor, null);
      const ids = [...first.body.members, ...second.body.members].map((entry: { id: string }) => entry.id);
      assert.equal(new Set(ids).size, 6);
      assert.equal(ids.length, await countRows('members', { organization_id: org.id }));
    });

    it('refuses bad queries', async () => {
      const { asAdmin } = await team();
      for (const query of ['limit=0', 'limit=201', 'limit=ten', 'role=owner', 'cursor=nonsense', 'sort=name']) {
        const refused = await asAdmin.get(`/members?${query}`).expect(400);
        assert.match(refused.body.error.code, /^invalid_(request|cursor)$/, query);
      }
    });

    it('refuses a cursor that another list gave out', async () => {
      const { org, asAdmin } = await team();
      for (const name of ['a', 'b']) await tx((t) => createGroup(t, system, org.id, { displayName: unique(name) }));
      const groupsCursor = (await asAdmin.get('/groups?limit=1').expect(200)).body.nextCursor as string;
      const membersCursor = (await asAdmin.get('/members?limit=1').expect(200)).body.nextCursor as string;
      assert.ok(groupsCursor && membersCursor);
      // Each works where it came from, and nowhere else: a groups cursor ends on a group's name and id, a members cursor on an id.
      await asAdmin.get(`/groups?cursor=${groupsCursor}`).expect(200);
      await asAdmin.get(`/members?cursor=${membersCursor}`).expect(200);
      assert.equal((await asAdmin.get(`/members?cursor=${groupsCursor}`).expect(400)).body.error.code, 'invalid_cursor');
      assert.equal((await asAdmin.get(`/invitations?cursor=${groupsCursor}`).expect(400)).body.error.code, 'invalid_cursor');
      assert.equal((await asAdmin.get(`/groups?cursor=${membersCursor}`).expect(400)).body.error.code, 'invalid_cursor');
      assert.equal((await asAdmin.get(`/audit-events?cursor=${membersCursor}`).expect(400)).body.error.code, 'invalid_cursor');
    });

    it('lets Admins and Billing read the list and any member, and Members only themselves', async () => {
      const { org, member, billing, asAdmin, asBilling, asMember } = await team();
      await asAdmin.get('/members').expect(200);
      await asBilling.get('/members').expect(200);
      await asBilling.get(`/members/${member.id}`).expect(200);
      assert.equal((await asMember.get('/members').expect(403)).body.error.code, 'forbidden_role');
      assert.equal((await asMember.get(`/members/${member.id}`).expect(403)).body.error.code, 'forbidden_role');
      for (const [client, who] of [
        [asAdmin, org.admin],
        [asBilling, billing],
        [asMember, member],
      ] as const) {
        const me = await client.get('/members/me').expect(200);
        assert.equal(me.body.id, who.id);
        assert.equal(me.body.role, who.role);
      }
      await request(app).get('/api/v1/members/me').expect(401);
    });
  });

  describe('reading one member', () => {
    it('shows profile, seats, Workspaces, groups and API keys, never a key’s secret', async () => {
      const { org, member, asAdmin } = await team();
      await tx((t) => setSeatLimit(t, system, org.id, 'chat', 3));
      const workspace = await tx((t) => createWorkspace(t, org.adminActor, org.id, unique('Research')));
      await tx((t) => addWorkspaceMember(t, org.adminActor, org.id, workspace.id, member.id, 'admin'));
      const group = await tx((t) => createGroup(t, org.adminActor, org.id, { displayName: unique('Engineers'), memberIds: [member.id] }));
      const pushed = await tx((t) => createGroup(t, system, org.id, { displayName: unique('Pushed'), managedBy: 'scim', memberIds: [member.id] }));
      const { key, apiKey } = await tx((t) => createApiKey(t, { type: 'member', id: member.id }, org.id, member.id, workspace.id, 'CI'));
      await asAdmin.put(`/members/${member.id}/seats/chat`).expect(200);

      const read = await asAdmin.get(`/members/${member.id}`).expect(200);

      assert.equal(read.body.id, member.id);
      assert.equal(read.body.email, member.userName);
      assert.equal(read.body.managedBy, 'none');
      assert.deepEqual(read.body.seats, ['chat']);
      assert.deepEqual(
        read.body.workspaces.map((entry: { id: string; role: string; isDefault: boolean }) => [entry.id, entry.role, entry.isDefault]).sort(),
        [
          [org.defaultWorkspace.id, 'contributor', true],
          [workspace.id, 'admin', false],
        ].sort(),
      );
      assert.deepEqual(read.body.groups, [
        { id: group.id, displayName: group.displayName, managedBy: 'none' },
        { id: pushed.id, displayName: pushed.displayName, managedBy: 'scim' },
      ]);
      assert.deepEqual(
        read.body.apiKeys.map((entry: { id: string; prefix: string }) => [entry.id, entry.prefix]),
        [[apiKey.id, apiKey.prefix]],
      );
      assert.ok(!JSON.stringify(read.body).includes(key), 'the key itself is never shown again');
      assert.ok(!JSON.stringify(read.body).includes('hash'));
    });

    it('answers 404 for another Organization’s member and for ids that are not ids', async () => {
      const { asAdmin } = await team();
      const other = await makeOrganization();
      const stranger = await makeMember(other.id);
      assert.equal((await asAdmin.get(`/members/${stranger.id}`).expect(404)).body.error.code, 'member_not_found');
      await asAdmin.get('/members/not-an-id').expect(404);
      await asAdmin.patch(`/members/${stranger.id}/role`, { role: 'admin' }).expect(404);
      await asAdmin.put(`/members/${stranger.id}/seats/chat`).expect(404);
      await asAdmin.patch(`/members/${stranger.id}/profile`, { firstName: 'X' }).expect(404);
      await asAdmin.delete(`/members/${stranger.id}`).expect(404);
      assert.equal(await countRows('members', { id: stranger.id }), 1);
    });
  });

  describe('changing roles', () => {
    it('lets an Admin change a role, which counts from the member’s very next request', async () => {
      const { member, asAdmin, asMember } = await team();
      await asMember.get('/members').expect(403);
      const changed = await asAdmin.patch(`/members/${member.id}/role`, { role: 'billing' }).expect(200);
      assert.equal(changed.body.role, 'billing');
      await asMember.get('/members').expect(200);
      await asMember.patch(`/members/${member.id}/role`, { role: 'admin' }).expect(403);
    });

    it('refuses to demote the last active Admin, and only Admins change roles', async () => {
      const { org, billing, asAdmin, asBilling, asMember } = await team();
      const refused = await asAdmin.patch(`/members/${org.admin.id}/role`, { role: 'member' }).expect(409);
      assert.equal(refused.body.error.code, 'last_admin');
      assert.equal((await asBilling.patch(`/members/${billing.id}/role`, { role: 'admin' }).expect(403)).body.error.code, 'forbidden_role');
      await asMember.patch(`/members/${billing.id}/role`, { role: 'member' }).expect(403);
      for (const body of [{}, { role: 'owner' }, { role: 'admin', extra: 1 }]) await asAdmin.patch(`/members/${billing.id}/role`, body).expect(400);
      assert.equal((await asAdmin.get('/members/me').expect(200)).body.role, 'admin');
    });
  });

  describe('seats', () => {
    it('turns a seat on and off at once, and answers 409 with the pool’s numbers when none is free', async () => {
      const { org, member, billing, asAdmin } = await team();
      await tx((t) => setSeatLimit(t, system, org.id, 'code', 1));

      assert.deepEqual((await asAdmin.put(`/members/${member.id}/seats/code`).expect(200)).body.seats, ['code']);
      assert.deepEqual((await asAdmin.put(`/members/${member.id}/seats/code`).expect(200)).body.seats, ['code'], 'holding one already is no change');
      const full = await asAdmin.put(`/members/${billing.id}/seats/code`).expect(409);
      assert.equal(full.body.error.code, 'no_seats_available');
      assert.deepEqual(full.body.error.details, { product: 'code', limit: 1, assigned: 1, available: 0 });

      assert.deepEqual((await asAdmin.delete(`/members/${member.id}/seats/code`).expect(200)).body.seats, []);
      assert.deepEqual((await asAdmin.put(`/members/${billing.id}/seats/code`).expect(200)).body.seats, ['code']);
      assert.deepEqual(
        (await tx((t) => listSeatPools(t, org.id))).map((pool) => [pool.product, pool.assigned]),
        [['code', 1]],
      );
    });

    it('refuses unknown and malformed products, suspended members and non-Admins', async () => {
      const { org, member, asAdmin, asBilling, asMember } = await team();
      await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
      assert.equal((await asAdmin.put(`/members/${member.id}/seats/nope`).expect(400)).body.error.code, 'unknown_product');
      assert.equal((await asAdmin.put(`/members/${member.id}/seats/Not%20A%20Product`).expect(400)).body.error.code, 'invalid_product');
      assert.equal((await asBilling.put(`/members/${member.id}/seats/chat`).expect(403)).body.error.code, 'forbidden_role');
      await asMember.put(`/members/${member.id}/seats/chat`).expect(403);
      await asMember.delete(`/members/${member.id}/seats/chat`).expect(403);
      const suspended = await makeMember(org.id);
      await tx((t) => suspendMember(t, system, org.id, suspended.id));
      assert.equal((await asAdmin.put(`/members/${suspended.id}/seats/chat`).expect(409)).body.error.code, 'member_suspended');
      assert.equal((await tx((t) => listSeatPools(t, org.id)))[0]!.assigned, 0);
    });
  });

  describe('profiles', () => {
    it('lets an Admin edit any profile and each member their own', async () => {
      const { member, billing, asAdmin, asMember, asBilling } = await team();
      const edited = await asAdmin.patch(`/members/${member.id}/profile`, { firstName: 'Grace', lastName: 'Hopper', title: 'Rear Admiral' }).expect(200);
      assert.deepEqual([edited.body.firstName, edited.body.lastName, edited.body.title], ['Grace', 'Hopper', 'Rear Admiral']);

      const newEmail = `${unique('grace')}@example.test`;
      const own = await asMember.patch('/members/me/profile', { email: newEmail, displayName: 'Amazing Grace', title: null }).expect(200);
      assert.equal(own.body.email, newEmail);
      assert.equal(own.body.userName, member.userName, 'the sign-in name stays');
      assert.equal(own.body.title, null);
      await asBilling.patch('/members/me/profile', { lastName: 'Ledger' }).expect(200);
      assert.equal((await asAdmin.get(`/members/${billing.id}`).expect(200)).body.lastName, 'Ledger');

      assert.equal((await asMember.patch(`/members/${billing.id}/profile`, { lastName: 'X' }).expect(403)).body.error.code, 'forbidden_role');
      await asBilling.patch(`/members/${member.id}/profile`, { lastName: 'X' }).expect(403);
      for (const body of [{ email: 'not-an-address' }, { nickname: 'x' }, { firstName: 42 }]) await asMember.patch('/members/me/profile', body).expect(400);
    });

    it('refuses edits of an externally managed name or email with 409 naming the identity provider, but not of other fields', async () => {
      const { org, asAdmin } = await team();
      const scim = await makeMember(org.id, { source: 'scim' });
      const sso = await makeMember(org.id, { source: 'sso' });

      const byScim = await asAdmin.patch(`/members/${scim.id}/profile`, { lastName: 'Changed' }).expect(409);
      assert.equal(byScim.body.error.code, 'externally_managed');
      assert.match(byScim.body.error.message, /SCIM/);
      assert.equal(byScim.body.error.details.managedBy, 'scim');
      const bySso = await asAdmin.patch(`/members/${sso.id}/profile`, { email: `${unique('x')}@example.test` }).expect(409);
      assert.match(bySso.body.error.message, /single sign-on/);
      const asSso = await signIn(org.id, sso.userName);
      assert.equal((await asSso.patch('/members/me/profile', { firstName: 'Me' }).expect(409)).body.error.code, 'externally_managed');
      assert.equal((await asSso.get('/members/me').expect(200)).body.externallyManaged, true);
      assert.equal((await asAdmin.patch(`/members/${scim.id}/profile`, { title: 'Engineer' }).expect(200)).body.title, 'Engineer');
    });
  });

  describe('removing and leaving', () => {
    it('lets an Admin remove a member, whose session ends on their next request', async () => {
      const { member, asAdmin, asBilling, asMember } = await team();
      await asBilling.delete(`/members/${member.id}`).expect(403);
      await asMember.get('/members/me').expect(200);
      await asAdmin.delete(`/members/${member.id}`).expect(204);
      assert.equal((await asMember.get('/members/me').expect(401)).body.error.code, 'session_ended');
      await asAdmin.get(`/members/${member.id}`).expect(404);
      await asAdmin.delete(`/members/${member.id}`).expect(404);
    });

    it('refuses to remove the last active Admin, or to let them leave, until another Admin exists', async () => {
      const { org, member, asAdmin } = await team();
      assert.equal((await asAdmin.delete(`/members/${org.admin.id}`).expect(409)).body.error.code, 'last_admin');
      assert.equal((await asAdmin.post('/members/me/leave').expect(409)).body.error.code, 'last_admin');
      await asAdmin.patch(`/members/${member.id}/role`, { role: 'admin' }).expect(200);
      await asAdmin.post('/members/me/leave').expect(204);
      await asAdmin.get('/members/me').expect(401);
      assert.equal(await countRows('members', { id: org.admin.id }), 0);
    });

    it('lets Billing and Members leave', async () => {
      const { org, member, billing, asBilling, asMember } = await team();
      await asBilling.post('/members/me/leave').expect(204);
      await asMember.post('/members/me/leave').expect(204);
      assert.equal(await countRows('members', { id: member.id }), 0);
      assert.equal(await countRows('members', { id: billing.id }), 0);
      assert.equal(await countRows('members', { organization_id: org.id }), 1);
    });
  });
});
