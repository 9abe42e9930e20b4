import assert from 'node:assert/strict';
import {
  authenticateApiKey,
  authenticateScimToken,
  createApiKey,
  createScimToken,
  revokeApiKey,
  revokeScimToken,
} from '../../src/org/credentials.service.js';
import { createWorkspace } from '../../src/org/workspaces.service.js';
import { db } from '../support/database.js';
import { makeMember, makeOrganization, rejectionOf, system, tx, unique } from '../support/factories.js';

describe('credentials', () => {
  it('stores only a SCIM token\'s hash and records its use', async () => {
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
});
