import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setSeatLimit } from '../../src/org/seats/seats.service.js';
import { db } from '../support/database.js';
import { makeMember, system, tx, unique } from '../support/factories.js';
import { expectedGroupPatch, observedGroup, randomGroupPatch, type GroupIds, type GroupState } from '../support/group-patch-model.js';
import { newUser, patchOp, scimClient, type ScimClient } from '../support/scim.js';
import { runSeed, Seeded } from '../support/seeded.js';
import { expectedPatch, observedUser, randomUserPatch, Refusal, roster, type UserState, type World } from '../support/user-patch-model.js';

/**
 * RFC 7644 §3.5.2 as a property: for random PATCH documents, every 2xx leaves the
 * resource exactly as an independent model of the operations says (in the answer and
 * on a GET, with one audit event when something changed), and every refusal is the
 * model's 4xx and leaves the resource and the audit log as they were.
 * PATCH_PROPERTY_SEED=<n> replays a run; the seed is in every failure message.
 */

const userDocuments = 150;
const groupDocuments = 80;
const pools = { chat: 2, code: 1, api: 0 };

const auditCount = async (idp: ScimClient) => (await db()('audit_events').where({ organization_id: idp.org.id })).length;

/** Runs one document; on failure, says how to replay it. */
async function step(seed: number, index: number, document: unknown, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`PATCH_PROPERTY_SEED=${seed}, document ${index}: ${JSON.stringify(document)}\n${message}`, { cause: error });
  }
}

function outcome<T>(expect: () => T): T | Refusal {
  try {
    return expect();
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
}

describe('SCIM PATCH as a property: what a 2xx says is what a GET reads (RFC 7644 §3.5.2)', () => {
  it(`keeps Users as the model says over ${userDocuments} random documents, refusals changing nothing`, async function () {
    this.timeout(120_000);
    const seed = runSeed();
    const random = new Seeded(seed);
    const idp = await scimClient();
    for (const [product, limit] of Object.entries(pools)) await tx((t) => setSeatLimit(t, system, idp.org.id, product, limit));
    const created = [
      await idp.post('/Users', newUser(`${unique('active')}@x.test`)).expect(201),
      await idp.post('/Users', newUser(`${unique('suspended')}@x.test`, { active: false })).expect(201),
    ];
    const ids = [idp.org.admin.id, ...created.map((response) => response.body.id as string)];
    const world: World = { users: new Map(), pools: new Map(Object.entries(pools).map(([product, limit]) => [product, { limit, assigned: 0 }])) };
    for (const id of ids) world.users.set(id, observedUser((await idp.get(`/Users/${id}`).expect(200)).body));

    const seen = new Map<string, number>();
    const count = (kind: string) => seen.set(kind, (seen.get(kind) ?? 0) + 1);
    for (let index = 0; index < userDocuments; index++) {
      const id = random.pick(ids);
      const operations = randomUserPatch(random, id);
      const document = patchOp(...operations.map(({ operation }) => operation));
      await step(seed, index, document, async () => {
        const before = world.users.get(id)!;
        const poolsBefore = structuredClone(world.pools);
        const events = await auditCount(idp);
        const expected = outcome(() => expectedPatch(world, id, operations));
        const response = await idp.patch(`/Users/${id}`, document);
        const read = observedUser((await idp.get(`/Users/${id}`).expect(200)).body);
        if (expected instanceof Refusal) {
          assert.equal(
            response.status,
            expected.status,
            `expected ${expected.status} (${expected.message}), got ${response.status} ${JSON.stringify(response.body)}`,
          );
          assert.deepEqual(read, before);
          assert.deepEqual(world.pools, poolsBefore);
          assert.equal(await auditCount(idp), events);
          count(String(expected.status));
          return;
        }
        count(sameUser(before, expected) ? 'unchanged' : 'changed');
        assert.equal(response.status, 200, `expected 200, got ${response.status} ${JSON.stringify(response.body)}`);
        assert.deepEqual(observedUser(response.body), expected, 'the answer');
        assert.deepEqual(read, expected, 'a GET after it');
        assert.equal(await auditCount(idp), events + (sameUser(before, expected) ? 0 : 1), 'one audit event for a change, none for no change');
      });
    }
    await assertSeatCounts(idp, world);
    // The documents reached every kind of answer: the run proved something.
    assert.deepEqual(
      ['400', '409', 'changed', 'unchanged'].filter((kind) => !seen.get(kind)),
      [],
      `seed ${seed}: ${JSON.stringify([...seen])}`,
    );
  });

  it(`keeps Groups as the model says over ${groupDocuments} random documents, refusals changing nothing`, async function () {
    this.timeout(120_000);
    const seed = runSeed();
    const random = new Seeded(seed);
    const idp = await scimClient();
    const other = await scimClient();
    const members = [idp.org.admin.id];
    for (let index = 0; index < 4; index++) members.push((await makeMember(idp.org.id)).id);
    const ids: GroupIds = { group: '', members, strangers: [randomUUID(), 'not-an-id', other.org.admin.id] };
    const created = await idp.post('/Groups', { displayName: 'Start', members: [{ value: members[1] }] }).expect(201);
    ids.group = created.body.id as string;
    let state: GroupState = observedGroup(created.body);
    const seen = new Map<string, number>();
    const count = (kind: string) => seen.set(kind, (seen.get(kind) ?? 0) + 1);

    for (let index = 0; index < groupDocuments; index++) {
      const operations = randomGroupPatch(random, ids);
      const document = patchOp(...operations.map(({ operation }) => operation));
      await step(seed, index, document, async () => {
        const events = await auditCount(idp);
        const expected = outcome(() => expectedGroupPatch(state, operations));
        const response = await idp.patch(`/Groups/${ids.group}`, document);
        const read = observedGroup((await idp.get(`/Groups/${ids.group}`).expect(200)).body);
        if (expected instanceof Refusal) {
          assert.equal(
            response.status,
            expected.status,
            `expected ${expected.status} (${expected.message}), got ${response.status} ${JSON.stringify(response.body)}`,
          );
          assert.deepEqual(read, state);
          assert.equal(await auditCount(idp), events);
          count(String(expected.status));
          return;
        }
        assert.equal(response.status, 204, `expected 204, got ${response.status} ${JSON.stringify(response.body)}`);
        assert.deepEqual(read, expected, 'a GET after it');
        const written = (await auditCount(idp)) - events;
        // A rename and back in one request may be written as a change to the same name.
        assert.ok(JSON.stringify(state) === JSON.stringify(expected) ? written <= 1 : written === 1, `${written} audit events`);
        count(JSON.stringify(state) === JSON.stringify(expected) ? 'unchanged' : 'changed');
        state = expected;
      });
    }
    assert.deepEqual(
      ['400', 'changed', 'unchanged'].filter((kind) => !seen.get(kind)),
      [],
      `seed ${seed}: ${JSON.stringify([...seen])}`,
    );
  });
});

function sameUser(a: UserState, b: UserState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Invariant 2 after the whole run: each pool counts exactly the seats the model handed out. */
async function assertSeatCounts(idp: ScimClient, world: World): Promise<void> {
  const rows = (await db()('seat_pools').where({ organization_id: idp.org.id }).orderBy('product')) as Array<{ product: string; assigned: number }>;
  assert.deepEqual(
    rows.map((row) => [row.product, row.assigned]),
    [...world.pools].sort(([a], [b]) => a.localeCompare(b)).map(([product, pool]) => [product, pool.assigned]),
  );
  for (const [id, user] of world.users) assert.deepEqual(user.seats, (await idp.get(`/Users/${id}`).expect(200)).body[roster].seats, id);
}
