import assert from 'node:assert/strict';
import request from 'supertest';
import { apiClient, authApp, sessionFor } from '../support/auth.js';
import { db } from '../support/database.js';
import { makeOrganization, unique } from '../support/factories.js';

describe('sign-in rate limits', () => {
  it('answers 429 with Retry-After past SIGN_IN_RATE_LIMIT per client, counted in PostgreSQL for every instance', async () => {
    // Two instances on one database share the count.
    const first = authApp({ signInRateLimit: 3 });
    const second = authApp({ signInRateLimit: 3 });
    // Other tests from this address may have counted in this window; start from a clean slate for this test's keys.
    await db()('request_rate_limits').where('key', 'like', 'sign-in:%').delete().returning('key');
    const email = `${unique('limited')}@example.test`;
    const statuses = [];
    for (const app of [first, second, first, second]) statuses.push((await request(app).post('/auth/email').send({ email })).status);
    assert.deepEqual(statuses, [202, 202, 202, 429]);
    const limited = await request(first)
      .post('/auth/email')
      .send({ email: `${unique('other')}@example.test` })
      .expect(429);
    assert.equal(limited.body.error.code, 'rate_limited');
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60);
    const counted = await db()('request_rate_limits')
      .where({ key: `sign-in:email:${email}` })
      .first();
    assert.equal(counted.hits, 3, 'the refused request stopped at the client limit');
    assert.equal(
      await db()('mail_outbox')
        .where({ to_address: email })
        .count({ n: '*' })
        .then((rows) => Number(rows[0]!.n)),
      3,
      'no mail past the limit',
    );
  });
});

describe('invitation rate limits', () => {
  it('answers 429 past INVITATION_RATE_LIMIT requests per Organization per hour, and mails nothing more', async () => {
    const app = authApp({ invitationRateLimit: 2 });
    const org = await makeOrganization();
    const admin = apiClient(app, await sessionFor(app, org.id, org.admin.userName));
    const invite = () => admin.post('/invitations', { emails: [`${unique('invitee')}@example.test`], role: 'member' });
    assert.deepEqual([(await invite()).status, (await invite()).status], [201, 201]);
    const limited = await invite();
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal(
      await db()('invitations')
        .where({ organization_id: org.id })
        .count({ n: '*' })
        .then((rows) => Number(rows[0]!.n)),
      2,
    );
    // Another Organization has its own count.
    const other = await makeOrganization();
    const otherAdmin = apiClient(app, await sessionFor(app, other.id, other.admin.userName));
    await otherAdmin.post('/invitations', { emails: [`${unique('invitee')}@example.test`], role: 'member' }).expect(201);
  });
});
