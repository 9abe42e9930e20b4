import assert from 'node:assert/strict';
import request from 'supertest';
import { authApp } from '../support/auth.js';
import { db } from '../support/database.js';
import { unique } from '../support/factories.js';

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
    const limited = await request(first).post('/auth/email').send({ email: `${unique('other')}@example.test` }).expect(429);
    assert.equal(limited.body.error.code, 'rate_limited');
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60);
    const counted = await db()('request_rate_limits').where({ key: `sign-in:email:${email}` }).first();
    assert.equal(counted.hits, 3, 'the refused request stopped at the client limit');
    assert.equal(await db()('mail_outbox').where({ to_address: email }).count({ n: '*' }).then((rows) => Number(rows[0]!.n)), 3, 'no mail past the limit');
  });
});
