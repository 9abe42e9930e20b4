import assert from 'node:assert/strict';
import {
  authenticateApiKey,
  authenticateScimToken,
  createApiKey,
  createScimToken,
  listApiKeys,
  revokeApiKey,
  revokeScimToken,
} from '../../../src/org/credentials/credentials.service.js';
import { createWorkspace } from '../../../src/org/workspaces/workspaces.service.js';
import { db, testDatabase } from '../../support/database.js';
import { countRows, makeMember, makeOrganization, rejectionOf, system, tx, unique } from '../../support/factories.js';

describe('credentials', () => {
  it("stores only a SCIM token's hash and records its use", async () => {
    const org = await makeOrganization();
    const { token, scimToken } = await tx((t) => createScimToken(t, system, org.id, 'Okta'));
    const row = await db()('scim_tokens').where({ id: scimToken.id }).first();
    assert.ok(!JSON.stringify(row).includes(token));
    assert.ok(token.startsWith(row.prefix));

    const found = await tx((t) => authenticateScimToken(t, token));
    assert.equal(found!.organizationId, org.id);
    assert.ok((await db()('scim_tokens').where({ id: scimToken.id }).first()).last_used_at);
    assert.equal(await tx((t) => authenticateScimToken(t, `${token}x`)), null);
  });

  it('allows two active SCIM tokens, also when five are asked for at once, and frees a slot on revocation', async () => {
    const org = await makeOrganization();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => tx((t) => createScimToken(t, system, org.id))));
    const created = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof createScimToken>>> => r.status === 'fulfilled');
    assert.equal(created.length, 2);
    for (const result of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
      assert.equal((result.reason as { code?: string }).code, 'scim_token_limit');
    }
    await tx((t) => revokeScimToken(t, system, org.id, created[0]!.value.scimToken.id));
    assert.equal(await tx((t) => authenticateScimToken(t, created[0]!.value.token)), null);
    await tx((t) => createScimToken(t, system, org.id));
  });

  it('gives API keys only for reachable Workspaces and stops them on revocation', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const elsewhere = await tx((t) => createWorkspace(t, system, org.id, unique('Private')));
    const refused = await rejectionOf(tx((t) => createApiKey(t, system, org.id, member.id, elsewhere.id, 'k')));
    assert.equal(refused.code, 'no_workspace_access');

    const { key, apiKey } = await tx((t) => createApiKey(t, system, org.id, member.id, org.defaultWorkspace.id, 'laptop'));
    assert.ok(!JSON.stringify(await db()('api_keys').where({ id: apiKey.id }).first()).includes(key));
    assert.equal((await tx((t) => authenticateApiKey(t, key)))!.member.id, member.id);
    await tx((t) => revokeApiKey(t, system, org.id, apiKey.id));
    assert.equal(await tx((t) => authenticateApiKey(t, key)), null);
  });

  it('records a revocation once: revoking a revoked key or token again changes nothing', async () => {
    const org = await makeOrganization();
    const { apiKey } = await tx((t) => createApiKey(t, system, org.id, org.admin.id, org.defaultWorkspace.id, 'k'));
    const { scimToken } = await tx((t) => createScimToken(t, system, org.id));
    const firstKey = await tx((t) => revokeApiKey(t, system, org.id, apiKey.id));
    const firstToken = await tx((t) => revokeScimToken(t, system, org.id, scimToken.id));
    assert.deepEqual(await tx((t) => revokeApiKey(t, system, org.id, apiKey.id)), firstKey);
    assert.deepEqual(await tx((t) => revokeScimToken(t, system, org.id, scimToken.id)), firstToken);
    assert.equal(await countRows('audit_events', { organization_id: org.id, action: 'api_key.revoked' }), 1);
    assert.equal(await countRows('audit_events', { organization_id: org.id, action: 'scim_token.revoked' }), 1);
  });

  it('finds another Organization\'s Workspace and members "not found" for API keys', async () => {
    const [org, other] = [await makeOrganization(), await makeOrganization()];
    assert.equal((await rejectionOf(tx((t) => createApiKey(t, system, org.id, org.admin.id, other.defaultWorkspace.id, 'k')))).code, 'workspace_not_found');
    assert.equal((await rejectionOf(tx((t) => createApiKey(t, system, org.id, other.admin.id, org.defaultWorkspace.id, 'k')))).code, 'member_not_found');
    assert.equal((await rejectionOf(tx((t) => listApiKeys(t, org.id, other.admin.id)))).code, 'member_not_found');
    assert.equal((await rejectionOf(tx((t) => listApiKeys(t, org.id, 'nope')))).code, 'member_not_found');
  });

  it('does not keep trusting a SCIM token that a request read while its revocation was being committed', async function () {
    // Two transactions open at once need two connections: PostgreSQL only (the embedded database has one).
    if (!testDatabase().url) this.skip();
    const org = await makeOrganization();
    const { token, scimToken } = await tx((t) => createScimToken(t, system, org.id));
    // Used a moment ago, so the check below only reads the row (the revoking transaction holds its lock).
    assert.ok(await authenticateScimToken(db(), token));
    await tx(async (t) => {
      await revokeScimToken(t, system, org.id, scimToken.id);
      // Another request on this instance, before the commit: the row still says live, and it is remembered.
      assert.ok(await authenticateScimToken(db(), token, { cacheMs: 60_000 }));
    });
    assert.equal(await authenticateScimToken(db(), token, { cacheMs: 60_000 }), null);
  });
});
