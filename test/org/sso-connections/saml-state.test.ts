import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Tx } from '../../../src/db/transaction.js';
import { deleteOrganization } from '../../../src/org/organizations/organizations.service.js';
import { consumeSamlRequest, deleteExpiredSamlState, recordAssertionOnce, rememberSamlRequest } from '../../../src/org/sso-connections/saml-state.service.js';
import { sweepExpiredSignInState } from '../../../src/sso/housekeeping.js';
import { db, testDatabase } from '../../support/database.js';
import { countRows, makeOrganization, rejectionOf, system, tx } from '../../support/factories.js';

/** Ids as node-saml and IdPs make them: an underscore and random hex. */
const samlId = () => `_${randomBytes(20).toString('hex')}`;
const inTenMinutes = () => new Date(Date.now() + 10 * 60_000);

const remember = (organizationId: string, requestId: string, ttlSeconds = 600) => tx((t) => rememberSamlRequest(t, organizationId, requestId, ttlSeconds));
const consume = (organizationId: string, requestId: string) => tx((t) => consumeSamlRequest(t, organizationId, requestId));
const recordAssertion = (organizationId: string, assertionId: string, expiresAt = inTenMinutes()) =>
  tx((t) => recordAssertionOnce(t, organizationId, assertionId, expiresAt));

/** Moves a row's expiry into the past, as if its time had run out. */
async function expire(table: 'saml_requests' | 'saml_assertions', organizationId: string, column: string, id: string): Promise<void> {
  await db()(table)
    .where({ organization_id: organizationId, [column]: id })
    .update({ expires_at: db().raw(`now() - interval '1 second'`) });
}

/**
 * Runs `first` in a transaction that stays open while `others` start, then commits it: on
 * PostgreSQL the others are then truly waiting on the first one's row, not merely queued.
 */
async function whileHeld<T>(first: (t: Tx) => Promise<T>, others: () => Promise<T>[]): Promise<{ first: T; others: T[] }> {
  const open = await db().transaction();
  try {
    const result = await first(open);
    const waiting = Promise.all(others());
    await new Promise((resolve) => setTimeout(resolve, 200));
    await open.commit();
    return { first: result, others: await waiting };
  } finally {
    if (!open.isCompleted()) await open.rollback();
  }
}

describe('SAML state', () => {
  describe('request ids (InResponseTo)', () => {
    it('consumes a remembered request id exactly once', async () => {
      const org = await makeOrganization();
      const requestId = samlId();
      await remember(org.id, requestId);
      assert.equal(await consume(org.id, requestId), true);
      assert.equal(await consume(org.id, requestId), false);
      assert.equal(await consume(org.id, samlId()), false, 'an id never remembered');
    });

    it('lets exactly one of five concurrent consumers have it', async () => {
      const org = await makeOrganization();
      for (let round = 0; round < 3; round++) {
        const requestId = samlId();
        await remember(org.id, requestId);
        const results = await Promise.all(Array.from({ length: 5 }, () => consume(org.id, requestId)));
        assert.equal(results.filter(Boolean).length, 1, JSON.stringify(results));
      }
    });

    it("gives nothing to consumers that waited on the winner's row lock", async function () {
      // Two transactions open at once need two connections: PostgreSQL only (the embedded database has one).
      if (!testDatabase().url) this.skip();
      const org = await makeOrganization();
      const requestId = samlId();
      await remember(org.id, requestId);
      const { first, others } = await whileHeld(
        (t) => consumeSamlRequest(t, org.id, requestId),
        () => Array.from({ length: 4 }, () => consume(org.id, requestId)),
      );
      assert.equal(first, true);
      assert.deepEqual(others, [false, false, false, false]);
    });

    it('refuses an expired request id', async () => {
      const org = await makeOrganization();
      const requestId = samlId();
      await remember(org.id, requestId);
      await expire('saml_requests', org.id, 'request_id', requestId);
      assert.equal(await consume(org.id, requestId), false);
    });

    it('renews a request id remembered again', async () => {
      const org = await makeOrganization();
      const requestId = samlId();
      await remember(org.id, requestId);
      await expire('saml_requests', org.id, 'request_id', requestId);
      await remember(org.id, requestId);
      assert.equal(await countRows('saml_requests', { organization_id: org.id, request_id: requestId }), 1);
      assert.equal(await consume(org.id, requestId), true);
    });

    it("never lets one Organization's response use another Organization's request id", async () => {
      const [org, other] = [await makeOrganization(), await makeOrganization()];
      const requestId = samlId();
      await remember(org.id, requestId);
      assert.equal(await consume(other.id, requestId), false);
      assert.equal(await consume(org.id, requestId), true, 'the attempt did not use it up');

      // The same id remembered by both is two entries.
      const shared = samlId();
      await remember(org.id, shared);
      await remember(other.id, shared);
      assert.equal(await consume(other.id, shared), true);
      assert.equal(await consume(org.id, shared), true);
    });

    it('refuses to remember malformed ids or lifetimes, and finds nothing for them', async () => {
      const org = await makeOrganization();
      for (const [requestId, ttl] of [
        ['', 600],
        ['x'.repeat(257), 600],
        [samlId(), 0],
        [samlId(), -5],
        [samlId(), Number.NaN],
        [samlId(), 86_401],
      ] as const) {
        const error = await rejectionOf(remember(org.id, requestId, ttl));
        assert.equal(error.code, 'invalid_value', `${requestId.length} ${ttl}`);
      }
      assert.equal((await rejectionOf(remember('not-a-uuid', samlId()))).code, 'invalid_value');
      assert.equal(await consume('not-a-uuid', samlId()), false);
      assert.equal(await consume(org.id, ''), false);
      assert.equal(await countRows('saml_requests', { organization_id: org.id }), 0);
    });
  });

  describe('assertion ids (replay)', () => {
    it('accepts an assertion id once per Organization', async () => {
      const [org, other] = [await makeOrganization(), await makeOrganization()];
      const assertionId = samlId();
      assert.equal(await recordAssertion(org.id, assertionId), true);
      assert.equal(await recordAssertion(org.id, assertionId), false);
      assert.equal(await recordAssertion(org.id, assertionId, new Date(Date.now() + 60 * 60_000)), false, 'a later expiry changes nothing');
      assert.equal(await recordAssertion(other.id, assertionId), true, 'namespaced by Organization');
    });

    it('accepts exactly one of five concurrent posts of one assertion', async () => {
      const org = await makeOrganization();
      for (let round = 0; round < 3; round++) {
        const assertionId = samlId();
        const results = await Promise.all(Array.from({ length: 5 }, () => recordAssertion(org.id, assertionId)));
        assert.equal(results.filter(Boolean).length, 1, JSON.stringify(results));
      }
    });

    it("refuses posts that waited on the first one's uncommitted record", async function () {
      if (!testDatabase().url) this.skip();
      const org = await makeOrganization();
      const assertionId = samlId();
      const { first, others } = await whileHeld(
        (t) => recordAssertionOnce(t, org.id, assertionId, inTenMinutes()),
        () => Array.from({ length: 4 }, () => recordAssertion(org.id, assertionId)),
      );
      assert.equal(first, true);
      assert.deepEqual(others, [false, false, false, false]);
    });

    it('does not count a record whose transaction rolled back', async () => {
      const org = await makeOrganization();
      const assertionId = samlId();
      await rejectionOf(
        tx(async (t) => {
          assert.equal(await recordAssertionOnce(t, org.id, assertionId, inTenMinutes()), true);
          throw new Error('the sign-in failed after the replay check');
        }),
      );
      assert.equal(await recordAssertion(org.id, assertionId), true);
    });

    it('refuses malformed input', async () => {
      const org = await makeOrganization();
      for (const [assertionId, expiresAt] of [
        ['', inTenMinutes()],
        ['x'.repeat(257), inTenMinutes()],
        [samlId(), new Date(Number.NaN)],
      ] as const) {
        assert.equal((await rejectionOf(recordAssertion(org.id, assertionId, expiresAt))).code, 'invalid_value');
      }
      assert.equal((await rejectionOf(recordAssertion('not-a-uuid', samlId()))).code, 'invalid_value');
    });
  });

  describe('cleanup', () => {
    it('sweeps expired request and assertion ids and keeps live ones', async () => {
      const org = await makeOrganization();
      const [liveRequest, deadRequest, liveAssertion, deadAssertion] = [samlId(), samlId(), samlId(), samlId()];
      await remember(org.id, liveRequest);
      await remember(org.id, deadRequest);
      await recordAssertion(org.id, liveAssertion);
      await recordAssertion(org.id, deadAssertion);
      await expire('saml_requests', org.id, 'request_id', deadRequest);
      await expire('saml_assertions', org.id, 'assertion_id', deadAssertion);

      // Until swept, an expired assertion id still counts as seen: a replay is refused when in doubt.
      assert.equal(await recordAssertion(org.id, deadAssertion), false);

      const swept = await tx((t) => deleteExpiredSamlState(t));
      assert.ok(swept.requests >= 1 && swept.assertions >= 1, JSON.stringify(swept));
      assert.equal(await countRows('saml_requests', { organization_id: org.id, request_id: deadRequest }), 0);
      assert.equal(await countRows('saml_assertions', { organization_id: org.id, assertion_id: deadAssertion }), 0);
      assert.equal(await consume(org.id, liveRequest), true);
      assert.equal(await recordAssertion(org.id, liveAssertion), false);
      assert.deepEqual(await tx((t) => deleteExpiredSamlState(t)), { requests: 0, assertions: 0 });
    });

    it('goes with its Organization', async () => {
      const org = await makeOrganization();
      await remember(org.id, samlId());
      await recordAssertion(org.id, samlId());
      await tx((t) => deleteOrganization(t, system, org.id));
      assert.equal(await countRows('saml_requests', { organization_id: org.id }), 0);
      assert.equal(await countRows('saml_assertions', { organization_id: org.id }), 0);
    });
  });
});

describe('sweeping expired sign-in state', () => {
  it('drops expired request ids, assertion ids and old sign-in links, and keeps live ones', async () => {
    const org = await makeOrganization();
    await db()('saml_requests').insert([
      { organization_id: org.id, request_id: 'old', expires_at: db().raw("now() - interval '1 minute'") },
      { organization_id: org.id, request_id: 'live', expires_at: db().raw("now() + interval '5 minutes'") },
    ]);
    await db()('sign_in_links').insert({
      id: crypto.randomUUID(),
      token_hash: crypto.randomUUID(),
      email: 'x@example.test',
      expires_at: db().raw("now() - interval '2 days'"),
    });
    await sweepExpiredSignInState(db());
    assert.deepEqual(await db()('saml_requests').where({ organization_id: org.id }).pluck('request_id'), ['live']);
    assert.equal(
      await db()('sign_in_links')
        .where({ email: 'x@example.test' })
        .count({ n: '*' })
        .then((rows) => Number(rows[0]!.n)),
      0,
    );
  });
});
