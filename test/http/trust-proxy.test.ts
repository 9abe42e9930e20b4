import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import { authApp, linkMailedTo } from '../support/auth.js';
import { db } from '../support/database.js';
import { unique } from '../support/factories.js';

/** POST /auth/email for a new address each time, so only the per-client limit can refuse it. */
async function signInStatus(app: Express, forwardedFor: string): Promise<number> {
  const response = await request(app)
    .post('/auth/email')
    .set('X-Forwarded-For', forwardedFor)
    .send({ email: `${unique('proxied')}@example.test` });
  return response.status;
}

/** Signs a browser in by email link over plain http, as a TLS-terminating proxy would pass it on; returns the cookie set. */
async function browserSignInCookie(app: Express, forwardedProto: string): Promise<string> {
  const email = `${unique('proxied')}@example.test`;
  await request(app).post('/auth/email').send({ email }).expect(202);
  const { token } = await linkMailedTo(email);
  const posted = await request(app)
    .post('/auth/email/verify')
    .type('form')
    .set('Origin', 'http://roster.example.test')
    .set('X-Forwarded-Proto', forwardedProto)
    .send({ token })
    .expect(303);
  return String(posted.headers['set-cookie']);
}

describe('behind a reverse proxy (TRUST_PROXY)', () => {
  beforeEach(async () => {
    // Other tests sign in from this same address; count this test's requests from nothing.
    await db()('request_rate_limits').where('key', 'like', 'sign-in:%').delete();
  });

  it('counts sign-in requests per address in X-Forwarded-For when the proxy is trusted', async () => {
    const app = authApp({ signInRateLimit: 2, trustProxy: ['loopback'] });
    assert.deepEqual([await signInStatus(app, '203.0.113.1'), await signInStatus(app, '203.0.113.1'), await signInStatus(app, '203.0.113.1')], [202, 202, 429]);
    assert.equal(await signInStatus(app, '203.0.113.2'), 202, 'another client behind the proxy has a count of its own');
    assert.equal(await signInStatus(app, '198.51.100.9, 203.0.113.3'), 202, 'the address the trusted proxy saw decides, not what the client claimed before it');
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: every request counts for the address that connected', async () => {
    const app = authApp({ signInRateLimit: 2 });
    assert.deepEqual([await signInStatus(app, '203.0.113.1'), await signInStatus(app, '203.0.113.2'), await signInStatus(app, '203.0.113.3')], [202, 202, 429]);
  });

  it('marks the session cookie Secure when a trusted proxy says the request came over https', async () => {
    const trusted = authApp({ publicUrl: 'http://roster.example.test', trustProxy: ['loopback'] });
    assert.match(await browserSignInCookie(trusted, 'https'), /; Secure/);
    assert.doesNotMatch(await browserSignInCookie(trusted, 'http'), /; Secure/);

    const untrusted = authApp({ publicUrl: 'http://roster.example.test' });
    assert.doesNotMatch(await browserSignInCookie(untrusted, 'https'), /; Secure/, 'an untrusted X-Forwarded-Proto is ignored');
  });
});
