import assert from 'node:assert/strict';
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import request from 'supertest';
import { keyPublishAheadMs, keyRefreshMs, SessionTokens, sessionAudience } from '../../src/http/session-tokens.js';
import { authApp, sessionFor } from '../support/auth.js';
import { db } from '../support/database.js';
import { makeOrganization } from '../support/factories.js';
import { publicUrl } from '../support/scim.js';

/** The claims a real token of this session carries, to forge variants from. */
function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
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

  it('after a rotation, keeps every instance signing with the current key, each verifying the others’ tokens at once', async () => {
    const org = await makeOrganization();
    const running = authApp();
    const before = await sessionFor(running, org.id, org.admin.userName);
    const current = decode(before).header.kid as string;
    const rotated = await new SessionTokens(db(), publicUrl, 3_600_000).rotate();
    // The signing key stops signing at the new key's activation at the latest (an earlier rotation may have set it sooner).
    const [row] = (await db()('signing_keys').where({ kid: current }).select('retired_at')) as Array<{ retired_at: Date | null }>;
    assert.ok(row?.retired_at && new Date(row.retired_at).getTime() <= rotated.activatesAt.getTime());
    assert.ok(rotated.activatesAt.getTime() - Date.now() >= keyRefreshMs, 'published at least one key re-read ahead');
    // An instance that started after the rotation signs with the key the running one uses, not with the one published ahead.
    const started = authApp();
    const tokens = [before, await sessionFor(running, org.id, org.admin.userName), await sessionFor(started, org.id, org.admin.userName)];
    for (const token of tokens) {
      assert.equal(decode(token).header.kid, current);
      for (const instance of [running, started]) await request(instance).get('/auth/session').set('Authorization', `Bearer ${token}`).expect(200);
    }
  });

  it('publishes the next key to every instance before any signs with it; all sign with it from its activation on', async () => {
    let clock = Date.now();
    const now = () => clock;
    const [a, b] = [new SessionTokens(db(), publicUrl, 3_600_000, { now }), new SessionTokens(db(), publicUrl, 3_600_000, { now })];
    const session = { id: crypto.randomUUID(), accountId: crypto.randomUUID(), organizationId: null, expiresAt: new Date(Date.now() + 86_400_000) };
    const kidOf = async (instance: SessionTokens) => {
      const { token } = await instance.issue(session);
      return { kid: decode(token).header.kid as string, token };
    };
    const signedBefore = [await kidOf(a), await kidOf(b)];
    const rotated = await new SessionTokens(db(), publicUrl, 3_600_000, { now }).rotate();
    assert.equal(rotated.activatesAt.getTime(), clock + keyPublishAheadMs);

    const moments = [
      clock + 1,
      clock + keyRefreshMs + 1,
      rotated.activatesAt.getTime() - 1,
      rotated.activatesAt.getTime(),
      rotated.activatesAt.getTime() + keyRefreshMs + 1,
    ];
    const seen: string[] = [];
    for (const moment of moments) {
      clock = moment;
      const [fromA, fromB] = [await kidOf(a), await kidOf(b)];
      assert.equal(fromA.kid, fromB.kid, `at +${moment - moments[0]!} ms both instances sign with one key`);
      seen.push(fromA.kid);
      for (const { token } of [fromA, fromB, ...signedBefore]) {
        assert.ok(await a.verify(token), 'instance A verifies it');
        assert.ok(await b.verify(token), 'instance B verifies it');
      }
    }
    // (Before the activation, an earlier rotation's key may take over from the old one: rotations queue up.)
    assert.equal(seen[0], signedBefore[0]!.kid, 'the rotation changes nothing at once');
    assert.ok(
      seen.slice(0, 3).every((kid) => kid !== rotated.kid),
      'the new key signs nothing before its activation time',
    );
    assert.deepEqual(seen.slice(3), [rotated.kid, rotated.kid], 'and everything from then on');
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
