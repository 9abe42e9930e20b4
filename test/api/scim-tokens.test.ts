import assert from 'node:assert/strict';
import request from 'supertest';
import { apiClient, authApp, sessionFor } from '../support/auth.js';
import { countRows, makeMember, makeOrganization } from '../support/factories.js';
import { publicUrl } from '../support/scim.js';

describe('/api/v1/scim-tokens', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    // Verified SCIM tokens are remembered for a minute here: revocation must still count on the very next request.
    app = authApp({ scimTokenCacheMs: 60_000 });
  });

  const as = (token: string) => apiClient(app, token);
  const scimUsers = (token: string) => request(app).get('/scim/v2/Users?count=1').set('Authorization', `Bearer ${token}`);

  it('tells an Admin the SCIM base URL to give the IdP, and how many tokens may be active; others are refused', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    assert.deepEqual((await admin.get('/scim').expect(200)).body, { baseUrl: `${publicUrl}/scim/v2`, maxActiveTokens: 2 });
    const member = await makeMember(org.id);
    assert.equal(
      (
        await as(await sessionFor(app, org.id, member.userName))
          .get('/scim')
          .expect(403)
      ).body.error.code,
      'forbidden_role',
    );
  });

  it('lets an Admin create a token shown once, see when the IdP last used it, and revoke it so the next SCIM request is refused', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));

    const created = await admin.post('/scim-tokens', { name: 'Okta' }).expect(201);
    const token = created.body.token as string;
    assert.match(token, /^roster_scim_[A-Za-z0-9_-]{43}$/);
    assert.ok(token.startsWith(created.body.prefix));
    assert.deepEqual(
      { name: created.body.name, lastUsedAt: created.body.lastUsedAt, revokedAt: created.body.revokedAt },
      { name: 'Okta', lastUsedAt: null, revokedAt: null },
    );

    await scimUsers(token).expect(200);
    const listed = await admin.get('/scim-tokens').expect(200);
    assert.ok(!JSON.stringify(listed.body).includes(token), 'the token is never shown again');
    assert.deepEqual(Object.keys(listed.body.scimTokens[0]).sort(), ['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);
    assert.equal(listed.body.scimTokens[0].id, created.body.id);
    assert.ok(listed.body.scimTokens[0].lastUsedAt, 'its use is recorded');

    await admin.delete(`/scim-tokens/${created.body.id}`).expect(204);
    await scimUsers(token).expect(401);
    assert.ok((await admin.get('/scim-tokens').expect(200)).body.scimTokens[0].revokedAt);

    // Revoking again changes nothing and records nothing more.
    await admin.delete(`/scim-tokens/${created.body.id}`).expect(204);
    assert.equal(await countRows('audit_events', { organization_id: org.id, action: 'scim_token.revoked', target_id: created.body.id }), 1);
    assert.equal(await countRows('audit_events', { organization_id: org.id, action: 'scim_token.created', actor_id: org.admin.id }), 1);
  });

  it('allows two active tokens for rotation, refuses a third with 409, and frees a slot on revocation', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const first = (await admin.post('/scim-tokens', { name: 'old' }).expect(201)).body;
    const second = (await admin.post('/scim-tokens', { name: 'new' }).expect(201)).body;
    assert.equal((await admin.post('/scim-tokens', { name: 'third' }).expect(409)).body.error.code, 'scim_token_limit');

    await scimUsers(first.token).expect(200);
    await scimUsers(second.token).expect(200);
    await admin.delete(`/scim-tokens/${first.id}`).expect(204);
    await scimUsers(first.token).expect(401);
    await scimUsers(second.token).expect(200);
    await admin.post('/scim-tokens', { name: 'third' }).expect(201);
    assert.deepEqual(
      (await admin.get('/scim-tokens').expect(200)).body.scimTokens.map((t: { name: string }) => t.name),
      ['old', 'new', 'third'],
    );
  });

  it('is for Admins only', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const existing = (await admin.post('/scim-tokens', { name: 'IdP' }).expect(201)).body;
    for (const role of ['billing', 'member'] as const) {
      const caller = as(await sessionFor(app, org.id, (await makeMember(org.id, { role })).userName));
      assert.equal((await caller.get('/scim-tokens').expect(403)).body.error.code, 'forbidden_role', role);
      assert.equal((await caller.post('/scim-tokens', { name: 'mine' }).expect(403)).body.error.code, 'forbidden_role', role);
      assert.equal((await caller.delete(`/scim-tokens/${existing.id}`).expect(403)).body.error.code, 'forbidden_role', role);
    }
    await scimUsers(existing.token).expect(200);
    assert.equal(await countRows('scim_tokens', { organization_id: org.id }), 1);
  });

  it('refuses bad input, and answers 404 for another Organization’s tokens without touching them', async () => {
    const [mine, theirs] = [await makeOrganization(), await makeOrganization()];
    const admin = as(await sessionFor(app, mine.id, mine.admin.userName));
    for (const [body, code] of [
      [{}, 'invalid_request'],
      [{ name: 7 }, 'invalid_request'],
      [{ name: 'IdP', expiresAt: 'never' }, 'invalid_request'],
      [{ name: 'x'.repeat(101) }, 'invalid_request'],
      [{ name: ' ' }, 'invalid_value'],
    ] as const) {
      assert.equal((await admin.post('/scim-tokens', body).expect(400)).body.error.code, code, JSON.stringify(body));
    }
    assert.equal(await countRows('scim_tokens', { organization_id: mine.id }), 0);

    const theirAdmin = as(await sessionFor(app, theirs.id, theirs.admin.userName));
    const theirToken = (await theirAdmin.post('/scim-tokens', { name: 'theirs' }).expect(201)).body;
    assert.equal((await admin.delete(`/scim-tokens/${theirToken.id}`).expect(404)).body.error.code, 'scim_token_not_found');
    assert.equal((await admin.delete('/scim-tokens/nope').expect(404)).body.error.code, 'scim_token_not_found');
    assert.deepEqual((await admin.get('/scim-tokens').expect(200)).body.scimTokens, []);
    await scimUsers(theirToken.token).expect(200);
  });
});
