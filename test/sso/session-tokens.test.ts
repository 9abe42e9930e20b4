import assert from 'node:assert/strict';
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import request from 'supertest';
import { SessionTokens, sessionAudience } from '../../src/sso/session-tokens.js';
import { authApp, sessionFor } from '../support/auth.js';
import { db } from '../support/database.js';
import { makeOrganization } from '../support/factories.js';
import { publicUrl } from '../support/scim.js';

/** The claims a real token of this session carries, to forge variants from. */
function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return { header, payload };
}

describe('session tokens', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });
  const whoami = (token: string) => request(app).get('/auth/session').set('Authorization', `Bearer ${token}`);

  it('are ES256 JWTs with a kid, the session id, this Roster as issuer and a short life', async () => {
    const org = await makeOrganization();
    const token = await sessionFor(app, org.id, org.admin.userName);
    const { header, payload } = decode(token);
    assert.equal(header.alg, 'ES256');
    assert.equal(typeof header.kid, 'string');
    assert.equal(payload.iss, publicUrl);
    assert.equal(payload.aud, sessionAudience);
    assert.equal(typeof payload.sid, 'string');
    assert.equal(payload.org, org.id);
    assert.ok((payload.exp as number) - (payload.iat as number) <= 3600);
    await whoami(token).expect(200);
  });

  it('refuses alg none, HS256, an unknown kid, a wrong issuer or audience, an expired token and a tampered one', async () => {
    const org = await makeOrganization();
    const token = await sessionFor(app, org.id, org.admin.userName);
    const { header, payload } = decode(token);
    const stored = await db()('signing_keys').where({ kid: header.kid }).first();
    const publicJwk = (typeof stored.public_jwk === 'string' ? JSON.parse(stored.public_jwk) : stored.public_jwk) as JWK;
    const privateJwk = (typeof stored.private_jwk === 'string' ? JSON.parse(stored.private_jwk) : stored.private_jwk) as JWK;
    const realKey = await importJWK(privateJwk, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>, options: { kid?: string; key?: Parameters<SignJWT['sign']>[0] } = {}) =>
      new SignJWT({ ...payload, ...claims }).setProtectedHeader({ alg: 'ES256', kid: options.kid ?? (header.kid as string) }).sign(options.key ?? realKey);

    const stranger = await generateKeyPair('ES256');
    const forged: Record<string, string> = {
      'alg none': new UnsecuredJWT(payload).encode(),
      'HS256 keyed with the public key': await new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', kid: header.kid as string })
        .sign(new TextEncoder().encode(JSON.stringify(publicJwk))),
      'unknown kid, own key': await sign({}, { kid: 'not-a-roster-key', key: stranger.privateKey }),
      'known kid, another key': await sign({}, { key: stranger.privateKey }),
      'wrong issuer': await sign({ iss: 'https://evil.example' }),
      'wrong audience': await sign({ aud: 'someone-else' }),
      expired: await sign({ iat: now - 7200, exp: now - 3600 }),
      'tampered payload': `${token.split('.')[0]}.${Buffer.from(JSON.stringify({ ...payload, org: crypto.randomUUID() })).toString('base64url')}.${token.split('.')[2]}`,
      'no session id': await sign({ sid: undefined }),
      garbage: 'a.b.c',
    };
    for (const [name, value] of Object.entries(forged)) {
      const response = await whoami(value);
      assert.equal(response.status, 401, name);
      assert.equal(response.body.error.code, 'invalid_token', name);
    }
    // The control: the real key with the real claims is accepted.
    await whoami(await sign({})).expect(200);
    assert.ok((await exportJWK(stranger.publicKey)).x);
  });

  it('keeps tokens of a retired key valid after rotation, and signs new ones with the new key', async () => {
    const org = await makeOrganization();
    const before = await sessionFor(app, org.id, org.admin.userName);
    const rotated = await new SessionTokens(db(), publicUrl, 3_600_000).rotate();
    assert.ok(rotated.retired.includes(decode(before).header.kid as string));
    await whoami(before).expect(200);
    const fresh = authApp();
    const after = await sessionFor(fresh, org.id, org.admin.userName);
    assert.equal(decode(after).header.kid, rotated.kid);
    await request(fresh).get('/auth/session').set('Authorization', `Bearer ${before}`).expect(200);
  });

  it('gives a bearer client a new token for its session on refresh, and none once signed out', async () => {
    const org = await makeOrganization();
    const token = await sessionFor(app, org.id, org.admin.userName);
    const refreshed = await request(app).post('/auth/refresh').set('Authorization', `Bearer ${token}`).expect(200);
    assert.equal(decode(refreshed.body.token).payload.sid, decode(token).payload.sid);
    await request(app).post('/auth/logout').set('Authorization', `Bearer ${refreshed.body.token}`).expect(204);
    await request(app).post('/auth/refresh').set('Authorization', `Bearer ${token}`).expect(401);
  });
});
