import assert from 'node:assert/strict';
import { authenticateApiKey, createApiKey } from '../../src/org/credentials/credentials.service.js';
import { changeMember } from '../../src/org/members/member-changes.service.js';
import { listSeatPools, setSeatLimit } from '../../src/org/seats/seats.service.js';
import { db } from '../support/database.js';
import { countRows, rejectionOf, system, tx, unique } from '../support/factories.js';
import { newUser, patchOp, scimClient, type ScimClient } from '../support/scim.js';

const roster = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';

async function createUser(idp: ScimClient, extra: Record<string, unknown> = {}) {
  return (await idp.post('/Users', newUser(`${unique('user')}@example.com`, extra)).expect(201)).body as Record<string, any>;
}

describe('SCIM /Users', () => {
  describe('create', () => {
    it('answers 201 with the full resource, its Location and ETag', async () => {
      const idp = await scimClient();
      const response = await idp.post('/Users', newUser(`${unique('u')}@example.com`, { title: 'Engineer' })).expect(201);
      assert.equal(String(response.headers.location), response.body.meta.location);
      assert.equal(response.headers.etag, 'W/"1"');
      assert.match(String(response.headers['content-type']), /^application\/scim\+json/);
      assert.equal(response.body.title, 'Engineer');
      assert.deepEqual(response.body[roster], { role: 'member', seats: [] });
    });

    it('creates a SCIM-managed member whose name and email an admin cannot change (invariant 4)', async () => {
      const idp = await scimClient();
      const user = await createUser(idp);
      const refusal = await rejectionOf(tx((t) => changeMember(t, idp.org.adminActor, idp.org.id, user.id, { profile: { displayName: 'Renamed' } })));
      assert.equal(refusal.code, 'externally_managed');
      assert.match(refusal.message, /SCIM provisioning/);
    });

    it('sets the Organization role and product seats through the Roster extension', async () => {
      const idp = await scimClient();
      await tx((t) => setSeatLimit(t, system, idp.org.id, 'chat', 5));
      const user = await createUser(idp, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', roster], [roster]: { role: 'billing', seats: ['chat'] } });
      assert.deepEqual(user[roster], { role: 'billing', seats: ['chat'] });
    });

    it('refuses with 400 and a clear detail when no seat is left, and creates nothing', async () => {
      const idp = await scimClient();
      await tx((t) => setSeatLimit(t, system, idp.org.id, 'code', 0));
      const before = await countRows('members', { organization_id: idp.org.id });
      const events = await countRows('audit_events', { organization_id: idp.org.id });
      const refused = await idp.post('/Users', newUser(`${unique('u')}@example.com`, { [roster]: { seats: ['code'] } })).expect(400);
      assert.equal(refused.body.scimType, 'invalidValue');
      assert.match(refused.body.detail, /No code seats available: 0 of 0 assigned/);
      assert.equal(await countRows('members', { organization_id: idp.org.id }), before);
      assert.equal(await countRows('audit_events', { organization_id: idp.org.id }), events);
    });

    it('refuses a body without userName or with wrongly typed values, in the SCIM error schema', async () => {
      const idp = await scimClient();
      const missing = await idp.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] }).expect(400);
      assert.equal(missing.body.scimType, 'invalidValue');
      assert.match(missing.body.detail, /userName/);
      const wrong = await idp.post('/Users', newUser(`${unique('u')}@example.com`, { emails: 'not-a-list@example.com', active: 'maybe' })).expect(400);
      assert.equal(wrong.body.status, '400');
      const invalidJson = await idp.post('/Users').set('Content-Type', 'application/scim+json').send('{"userName": ').expect(400);
      assert.equal(invalidJson.body.scimType, 'invalidSyntax');
    });
  });

  describe('read', () => {
    it("answers 404 in the SCIM error schema for unknown, malformed and other Organizations' ids", async () => {
      const idp = await scimClient();
      const other = await scimClient();
      const theirs = await createUser(other);
      for (const id of ['01a20000-0000-7000-8000-000000000000', 'not-an-id', theirs.id]) {
        const response = await idp.get(`/Users/${id}`).expect(404);
        assert.deepEqual(response.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
      }
      await idp.patch(`/Users/${theirs.id}`, patchOp({ op: 'replace', path: 'active', value: false })).expect(404);
      await idp.delete(`/Users/${theirs.id}`).expect(404);
      assert.equal((await other.get(`/Users/${theirs.id}`).expect(200)).body.active, true);
    });

    it('answers 304 to If-None-Match with the current version, and 200 once it changed', async () => {
      const idp = await scimClient();
      const user = await createUser(idp);
      await idp.get(`/Users/${user.id}`).set('If-None-Match', 'W/"1"').expect(304);
      await idp.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'title', value: 'CTO' })).expect(200);
      const changed = await idp.get(`/Users/${user.id}`).set('If-None-Match', 'W/"1"').expect(200);
      assert.equal(changed.headers.etag, 'W/"2"');
    });
  });

  describe('replace (PUT)', () => {
    it('replaces the whole profile: attributes left out are cleared', async () => {
      const idp = await scimClient();
      const user = await createUser(idp, { title: 'Engineer', nickName: 'Ada' });
      const replaced = await idp.put(`/Users/${user.id}`, newUser(user.userName, { title: 'Manager' })).expect(200);
      assert.equal(replaced.body.title, 'Manager');
      assert.equal(replaced.body.nickName, undefined);
    });

    it('refuses with 412 when If-Match names an older version, and changes nothing', async () => {
      const idp = await scimClient();
      const user = await createUser(idp);
      await idp
        .put(`/Users/${user.id}`, newUser(user.userName, { title: 'A' }))
        .set('If-Match', 'W/"1"')
        .expect(200);
      const stale = await idp
        .put(`/Users/${user.id}`, newUser(user.userName, { title: 'B' }))
        .set('If-Match', 'W/"1"')
        .expect(412);
      assert.equal(stale.body.status, '412');
      assert.equal((await idp.get(`/Users/${user.id}`).expect(200)).body.title, 'A');
      await idp.delete(`/Users/${user.id}`).set('If-Match', '"1"').expect(412);
      // RFC 7232 §3.1: any of several tags may match.
      await idp
        .patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'title', value: 'C' }))
        .set('If-Match', 'W/"1", W/"2"')
        .expect(200);
      await idp.delete(`/Users/${user.id}`).set('If-Match', '*').expect(204);
    });

    it("answers 409 uniqueness when a rename takes another member's userName", async () => {
      const idp = await scimClient();
      const [a, b] = [await createUser(idp), await createUser(idp)];
      const clash = await idp.put(`/Users/${b.id}`, newUser(a.userName.toUpperCase())).expect(409);
      assert.equal(clash.body.scimType, 'uniqueness');
    });
  });

  describe('patch', () => {
    it('suspends on active=false: seats freed and API keys dead at once; reactivates on active=true', async () => {
      const idp = await scimClient();
      await tx((t) => setSeatLimit(t, system, idp.org.id, 'api', 1));
      const user = await createUser(idp, { [roster]: { seats: ['api'] } });
      const { key } = await tx((t) => createApiKey(t, system, idp.org.id, user.id, idp.org.defaultWorkspace.id, 'ci'));
      const suspended = await idp.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'active', value: false })).expect(200);
      assert.equal(suspended.body.active, false);
      assert.deepEqual(suspended.body[roster].seats, []);
      assert.equal(await tx((t) => authenticateApiKey(t, key)), null);
      const pools = await tx((t) => listSeatPools(t, idp.org.id));
      assert.equal(pools.find((pool) => pool.product === 'api')!.assigned, 0);
      const back = await idp.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'active', value: true })).expect(200);
      assert.equal(back.body.active, true);
      // One event per change, the suspension's saying what it revoked and released; the token is the actor.
      const events = await db()('audit_events').where({ organization_id: idp.org.id, target_id: user.id }).orderBy('created_at').orderBy('id');
      assert.deepEqual(
        events.map((event) => event.action),
        ['member.created', 'member.suspended', 'member.reactivated'],
      );
      assert.deepEqual(events[1]!.data, { status: { from: 'active', to: 'suspended' }, sessionsRevoked: 0, apiKeysRevoked: 1, seatsReleased: ['api'] });
      assert.equal(events[1]!.actor_type, 'scim_token');
    });

    it('adds and removes seats and changes the role through extension paths', async () => {
      const idp = await scimClient();
      await tx((t) => setSeatLimit(t, system, idp.org.id, 'chat', 2));
      await tx((t) => setSeatLimit(t, system, idp.org.id, 'code', 2));
      const user = await createUser(idp);
      const added = await idp
        .patch(
          `/Users/${user.id}`,
          patchOp({ op: 'add', path: `${roster}:seats`, value: ['chat', 'code'] }, { op: 'replace', path: `${roster}:role`, value: 'admin' }),
        )
        .expect(200);
      assert.deepEqual(added.body[roster], { role: 'admin', seats: ['chat', 'code'] });
      const removed = await idp.patch(`/Users/${user.id}`, patchOp({ op: 'remove', path: `${roster}:seats[value eq "chat"]` })).expect(200);
      assert.deepEqual(removed.body[roster].seats, ['code']);
    });

    it('is all or nothing: a failing operation leaves the earlier ones unapplied', async () => {
      const idp = await scimClient();
      const user = await createUser(idp);
      await idp
        .patch(
          `/Users/${user.id}`,
          patchOp({ op: 'replace', path: 'title', value: 'Changed' }, { op: 'replace', path: 'emails[type eq "home"]', value: { value: 'x@example.com' } }),
        )
        .expect(400);
      const read = (await idp.get(`/Users/${user.id}`).expect(200)).body;
      assert.equal(read.title, undefined);
      assert.equal(read.meta.version, 'W/"1"');
    });

    it('answers each malformed operation with its RFC 7644 scimType', async () => {
      const idp = await scimClient();
      const user = await createUser(idp);
      const cases: Array<[unknown, string]> = [
        [patchOp({ op: 'merge', path: 'title', value: 'x' }), 'invalidSyntax'],
        [patchOp({ op: 'remove' }), 'noTarget'],
        [patchOp({ op: 'replace', path: 'nosuchattribute', value: 'x' }), 'invalidPath'],
        [patchOp({ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'x@example.com' } }), 'noTarget'],
        [patchOp({ op: 'replace', path: 'meta', value: {} }), 'mutability'],
        [patchOp({ op: 'add', path: 'groups', value: [{ value: 'x' }] }), 'mutability'],
        [patchOp({ op: 'replace', path: 'emails[type eq', value: 'x' }), 'invalidPath'],
        [{ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [] }, 'invalidSyntax'],
      ];
      for (const [body, scimType] of cases) {
        const response = await idp.patch(`/Users/${user.id}`, body).expect(400);
        assert.equal(response.body.scimType, scimType, JSON.stringify(body));
      }
    });

    it('refuses to demote or suspend the last active Admin, with a detail that says why', async () => {
      const idp = await scimClient();
      const adminId = idp.org.admin.id;
      const demote = await idp.patch(`/Users/${adminId}`, patchOp({ op: 'replace', path: `${roster}:role`, value: 'member' })).expect(409);
      assert.match(demote.body.detail, /only active Admin/);
      await idp.patch(`/Users/${adminId}`, patchOp({ op: 'replace', path: 'active', value: false })).expect(409);
    });
  });

  describe('delete', () => {
    it('removes the member with their group memberships and seats', async () => {
      const idp = await scimClient();
      await tx((t) => setSeatLimit(t, system, idp.org.id, 'chat', 1));
      const user = await createUser(idp, { [roster]: { seats: ['chat'] } });
      const group = (await idp.post('/Groups', { displayName: 'G', members: [{ value: user.id }] }).expect(201)).body;
      await idp.delete(`/Users/${user.id}`).expect(204);
      assert.equal(await countRows('group_members', { group_id: group.id }), 0);
      assert.equal(await countRows('seat_assignments', { member_id: user.id }), 0);
      await idp.delete(`/Users/${user.id}`).expect(404);
    });

    it('refuses to delete the last active Admin with 409', async () => {
      const idp = await scimClient();
      const refused = await idp.delete(`/Users/${idp.org.admin.id}`).expect(409);
      assert.match(refused.body.detail, /only active Admin/);
      assert.equal(await countRows('members', { id: idp.org.admin.id }), 1);
    });
  });

  describe('under concurrent requests', () => {
    it('creates one member when an IdP retries a create many times at once, in any case', async () => {
      const idp = await scimClient();
      const userName = `${unique('race')}@example.com`;
      const responses = await Promise.all(Array.from({ length: 12 }, (_, index) => idp.post('/Users', newUser(index % 2 ? userName.toUpperCase() : userName))));
      assert.deepEqual(responses.map((response) => response.status).sort(), [201, ...Array(11).fill(409)]);
      const count = await db()('members').where('organization_id', idp.org.id).whereRaw('lower(user_name) = lower(?)', [userName]).count({ n: '*' });
      assert.equal(Number(count[0]!.n), 1);
    });

    it('applies concurrent PATCHes of one member one after another: none lost, one version and one event each', async () => {
      const idp = await scimClient();
      const user = await createUser(idp);
      const ops = Array.from({ length: 30 }, (_, index) =>
        index % 3 === 2
          ? patchOp({ op: 'replace', path: 'active', value: index % 2 === 0 })
          : patchOp({ op: 'add', path: 'phoneNumbers', value: [{ value: `+1 555 01${String(index).padStart(2, '0')}`, type: 'work' }] }),
      );
      const responses = await Promise.all(ops.map((op) => idp.patch(`/Users/${user.id}`, op)));
      assert.deepEqual(
        responses.map((response) => response.status),
        Array(30).fill(200),
      );
      const stored = await idp.get(`/Users/${user.id}`).expect(200);
      assert.equal(stored.body.phoneNumbers.length, 20, 'every added phone number is kept');
      const events = await db()('audit_events').where({ organization_id: idp.org.id, target_id: user.id }).whereNot('action', 'member.created');
      const version = Number(/"(\d+)"/.exec(stored.body.meta.version)![1]);
      assert.equal(events.length, version - 1, 'one event per new version');
      assert.ok(events.length >= 20, 'each phone number added is a change of its own');
    });

    it('keeps one active Admin when the IdP suspends or deletes both Admins at once (invariant 1)', async () => {
      for (const second of ['suspend', 'delete'] as const) {
        const idp = await scimClient();
        const other = await createUser(idp, { [roster]: { role: 'admin' } });
        const suspend = (id: string) => idp.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: false }));
        const responses = await Promise.all([suspend(idp.org.admin.id), second === 'suspend' ? suspend(other.id) : idp.delete(`/Users/${other.id}`)]);
        assert.equal(responses.filter((response) => response.status === 409).length, 1, second);
        const admins = await db()('members').where({ organization_id: idp.org.id, role: 'admin', status: 'active' });
        assert.equal(admins.length, 1, second);
      }
    });

    it('gives exactly the seats a pool has to concurrent creates', async () => {
      const idp = await scimClient();
      await tx((t) => setSeatLimit(t, system, idp.org.id, 'chat', 3));
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => idp.post('/Users', newUser(`${unique('seat')}@example.com`, { [roster]: { seats: ['chat'] } }))),
      );
      assert.equal(responses.filter((response) => response.status === 201).length, 3);
      assert.equal(responses.filter((response) => response.status === 400).length, 7);
      assert.equal(await countRows('seat_assignments', { organization_id: idp.org.id, product: 'chat' }), 3);
    });
  });
});
