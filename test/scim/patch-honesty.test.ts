import assert from 'node:assert/strict';
import { setSeatLimit, listSeatPools } from '../../src/org/seats/seats.service.js';
import { db } from '../support/database.js';
import { makeMember, system, tx, unique } from '../support/factories.js';
import { newUser, patchOp, scimClient, type ScimClient } from '../support/scim.js';

/**
 * RFC 7644 §3.5.2: a 2xx PATCH means a GET right after reads as the operations
 * said. Each request below once answered 200 and changed nothing.
 */

const roster = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
type Json = Record<string, any>;

async function createUser(idp: ScimClient, extra: Json = {}): Promise<Json> {
  return (await idp.post('/Users', newUser(`${unique('user')}@example.com`, extra)).expect(201)).body as Json;
}

async function withPools(idp: ScimClient, limits: Record<string, number>): Promise<void> {
  for (const [product, limit] of Object.entries(limits)) await tx((t) => setSeatLimit(t, system, idp.org.id, product, limit));
}

const read = async (idp: ScimClient, id: string): Promise<Json> => (await idp.get(`/Users/${id}`).expect(200)).body as Json;
const eventCount = async (idp: ScimClient, id: string) => (await db()('audit_events').where({ organization_id: idp.org.id, target_id: id })).length;

/** Sends the PATCH and checks it was refused with `status`/`scimType` and left the user exactly as it was. */
async function assertRefusedUnchanged(idp: ScimClient, id: string, body: unknown, status: number, scimType?: string): Promise<Json> {
  const before = await read(idp, id);
  const events = await eventCount(idp, id);
  const response = await idp.patch(`/Users/${id}`, body).expect(status);
  assert.equal(response.body.scimType, scimType, JSON.stringify(response.body));
  assert.deepEqual(await read(idp, id), before);
  assert.equal(await eventCount(idp, id), events);
  return response.body as Json;
}

describe('SCIM PATCH answers 2xx only for what it did (RFC 7644 §3.5.2)', () => {
  describe("remove of the Roster extension's seats", () => {
    it('frees every seat the member holds, in the answer, on a GET and in the pools', async () => {
      const idp = await scimClient();
      await withPools(idp, { chat: 2, code: 2 });
      const user = await createUser(idp, { [roster]: { seats: ['chat', 'code'] } });
      const answer = await idp.patch(`/Users/${user.id}`, patchOp({ op: 'remove', path: `${roster}:seats` })).expect(200);
      assert.deepEqual(answer.body[roster].seats, []);
      assert.deepEqual((await read(idp, user.id))[roster].seats, []);
      const pools = await tx((t) => listSeatPools(t, idp.org.id));
      assert.deepEqual(
        pools.map((pool) => [pool.product, pool.assigned]),
        [
          ['chat', 0],
          ['code', 0],
        ],
      );
    });

    it('treats replace with an empty list or null the same as remove', async () => {
      const idp = await scimClient();
      await withPools(idp, { chat: 2 });
      for (const value of [[], null]) {
        const user = await createUser(idp, { [roster]: { seats: ['chat'] } });
        await idp.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: `${roster}:seats`, value })).expect(200);
        assert.deepEqual((await read(idp, user.id))[roster].seats, [], JSON.stringify(value));
      }
    });
  });

  describe('remove of role, or replace with role null', () => {
    it('puts the member back to the default role, member', async () => {
      const idp = await scimClient();
      for (const operation of [
        { op: 'remove', path: `${roster}:role` },
        { op: 'replace', path: `${roster}:role`, value: null },
        { op: 'Replace', value: { [roster]: { role: null } } },
      ]) {
        const user = await createUser(idp, { [roster]: { role: 'billing' } });
        const answer = await idp.patch(`/Users/${user.id}`, patchOp(operation)).expect(200);
        assert.equal(answer.body[roster].role, 'member', JSON.stringify(operation));
        assert.equal((await read(idp, user.id))[roster].role, 'member');
      }
    });

    it('refuses with 409, as a demotion, when it would demote the last active Admin', async () => {
      const idp = await scimClient();
      const response = await assertRefusedUnchanged(idp, idp.org.admin.id, patchOp({ op: 'remove', path: `${roster}:role` }), 409);
      assert.match(response.detail, /only active Admin/);
      await assertRefusedUnchanged(idp, idp.org.admin.id, patchOp({ op: 'replace', path: `${roster}:role`, value: null }), 409);
    });
  });

  describe('remove of active', () => {
    it("is refused with 400 mutability, whatever the member's state, and changes nothing", async () => {
      const idp = await scimClient();
      const active = await createUser(idp);
      const suspended = await createUser(idp, { active: false });
      for (const user of [active, suspended]) {
        await assertRefusedUnchanged(idp, user.id, patchOp({ op: 'remove', path: 'active' }), 400, 'mutability');
        await assertRefusedUnchanged(idp, user.id, patchOp({ op: 'replace', path: 'active', value: null }), 400, 'mutability');
        await assertRefusedUnchanged(idp, user.id, patchOp({ op: 'replace', path: 'title', value: 'x' }, { op: 'Remove', path: 'active' }), 400, 'mutability');
      }
    });
  });

  describe('seats of a suspended member', () => {
    it('refuses to add a seat with 400 invalidValue, as for an unknown product, and changes nothing', async () => {
      const idp = await scimClient();
      await withPools(idp, { chat: 5 });
      const user = await createUser(idp, { active: false });
      const refused = await assertRefusedUnchanged(idp, user.id, patchOp({ op: 'add', path: `${roster}:seats`, value: ['chat'] }), 400, 'invalidValue');
      assert.match(refused.detail, /suspended/);
      await assertRefusedUnchanged(idp, user.id, patchOp({ op: 'replace', value: { [roster]: { seats: ['chat'] } } }), 400, 'invalidValue');
      // Suspending and giving a new seat in one request is the same contradiction.
      const other = await createUser(idp);
      await assertRefusedUnchanged(
        idp,
        other.id,
        patchOp({ op: 'replace', path: 'active', value: false }, { op: 'add', path: `${roster}:seats`, value: 'chat' }),
        400,
        'invalidValue',
      );
    });

    it('answers an unknown or malformed product with the same 400 invalidValue whether the member is active or suspended', async () => {
      const idp = await scimClient();
      const active = await createUser(idp);
      const suspended = await createUser(idp, { active: false });
      for (const product of ['nosuchproduct', 'Not A Product']) {
        const answers = [];
        for (const user of [active, suspended]) {
          answers.push(
            (await assertRefusedUnchanged(idp, user.id, patchOp({ op: 'add', path: `${roster}:seats`, value: [product] }), 400, 'invalidValue')).detail,
          );
        }
        assert.equal(answers[0], answers[1], product);
      }
    });

    it('refuses a create of a suspended member with seats alike, and creates nothing', async () => {
      const idp = await scimClient();
      await withPools(idp, { chat: 5 });
      for (const seats of [['chat'], ['nosuchproduct']]) {
        const userName = `${unique('user')}@example.com`;
        const refused = await idp.post('/Users', newUser(userName, { active: false, [roster]: { seats } })).expect(400);
        assert.equal(refused.body.scimType, 'invalidValue');
        const found = await idp.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`).expect(200);
        assert.equal(found.body.totalResults, 0);
      }
    });

    it('lets a member be reactivated and given a seat in one request', async () => {
      const idp = await scimClient();
      await withPools(idp, { chat: 1 });
      const user = await createUser(idp, { active: false });
      const answer = await idp
        .patch(`/Users/${user.id}`, patchOp({ op: 'add', path: `${roster}:seats`, value: ['chat'] }, { op: 'replace', path: 'active', value: 'True' }))
        .expect(200);
      assert.equal(answer.body.active, true);
      assert.deepEqual((await read(idp, user.id))[roster].seats, ['chat']);
    });

    it('still suspends a member who holds seats, freeing them, and takes remove of seats on a suspended member as done', async () => {
      const idp = await scimClient();
      await withPools(idp, { chat: 1 });
      const user = await createUser(idp, { [roster]: { seats: ['chat'] } });
      await idp.patch(`/Users/${user.id}`, patchOp({ op: 'replace', value: { active: false, [roster]: { seats: ['chat'] } } })).expect(200);
      assert.deepEqual((await read(idp, user.id))[roster].seats, []);
      const removed = await idp.patch(`/Users/${user.id}`, patchOp({ op: 'remove', path: `${roster}:seats` })).expect(200);
      assert.deepEqual(removed.body[roster].seats, []);
    });
  });

  describe('a PUT keeps what it does not name', () => {
    it("leaves active, role and seats alone when the body has no Roster extension (Okta's GET-then-PUT)", async () => {
      const idp = await scimClient();
      await withPools(idp, { chat: 1 });
      const member = await makeMember(idp.org.id, { source: 'scim', role: 'billing', seats: ['chat'] });
      const { [roster]: _extension, active: _active, ...body } = await read(idp, member.id);
      const answer = await idp.put(`/Users/${member.id}`, { ...body, title: 'Engineer' }).expect(200);
      assert.deepEqual([answer.body.active, answer.body[roster]], [true, { role: 'billing', seats: ['chat'] }]);
    });

    it('suspends on a PUT that names the seats held, and refuses one that gives a suspended member a seat', async () => {
      const idp = await scimClient();
      await withPools(idp, { chat: 1 });
      const user = await createUser(idp, { [roster]: { seats: ['chat'] } });
      const suspended = await idp.put(`/Users/${user.id}`, { ...(await read(idp, user.id)), active: false }).expect(200);
      assert.deepEqual([suspended.body.active, suspended.body[roster].seats], [false, []]);
      const before = await read(idp, user.id);
      const refused = await idp.put(`/Users/${user.id}`, { ...before, [roster]: { seats: ['chat'] } }).expect(400);
      assert.equal(refused.body.scimType, 'invalidValue');
      assert.deepEqual(await read(idp, user.id), before);
    });
  });
});
