import type { Knex } from 'knex';
import { isId, newId } from '../db/ids.js';
import type { Tx } from '../db/transaction.js';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError } from '../errors.js';
import { recordEvent } from './audit.service.js';
import {
  countActiveScimTokens,
  insertApiKey,
  insertScimToken,
  markApiKeyRevoked,
  markScimTokenRevoked,
  selectApiKeyByHash,
  selectApiKeys,
  selectScimTokens,
  touchApiKey,
  touchScimTokenIfStale,
  selectScimTokenForRequest,
  deleteOldRateWindows,
} from './credentials.repo.js';
import { selectMember } from './members.repo.js';
import { lockOrganization } from './organizations.repo.js';
import { generateSecret, hashesMatch, hashSecret } from './secrets.js';
import type { Actor, ApiKey, Member, ScimToken } from './types.js';
import { requireText } from './validation.js';
import { effectiveAccess } from './workspaces.service.js';

/** Two active SCIM tokens let an IdP rotate its credential without downtime. */
export const maxActiveScimTokens = 2;

export async function createScimToken(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  name = 'SCIM token',
): Promise<{ token: string; scimToken: ScimToken }> {
  const tokenName = requireText('name', name, 100);
  // The Organization's lock makes the count and the insert one step under concurrency.
  if (!isId(organizationId) || !(await lockOrganization(tx, organizationId))) throw new NotFoundError('organization', organizationId);
  if ((await countActiveScimTokens(tx, organizationId)) >= maxActiveScimTokens) {
    throw new ConflictError('scim_token_limit', `An Organization can have at most ${maxActiveScimTokens} active SCIM tokens; revoke one first`);
  }
  const secret = generateSecret('scim');
  const scimToken = await insertScimToken(tx, { id: newId(), organizationId, name: tokenName, prefix: secret.prefix, hash: secret.hash });
  await recordEvent(tx, organizationId, actor, { action: 'scim_token.created', target: { type: 'scim_token', id: scimToken.id }, data: { name: tokenName } });
  return { token: secret.secret, scimToken };
}

/** An Organization with a live SCIM token is provisioned by its IdP: SCIM owns its members' profiles and lifecycle. */
export async function isProvisionedByScim(tx: Tx, organizationId: string): Promise<boolean> {
  return (await countActiveScimTokens(tx, organizationId)) > 0;
}

export function listScimTokens(tx: Tx, organizationId: string): Promise<ScimToken[]> {
  return selectScimTokens(tx, organizationId);
}

export async function revokeScimToken(tx: Tx, actor: Actor, organizationId: string, tokenId: string): Promise<ScimToken> {
  const token = isId(tokenId) ? await markScimTokenRevoked(tx, organizationId, tokenId) : undefined;
  if (!token) throw new NotFoundError('scim_token', tokenId);
  verifiedScimTokens.forget((remembered) => remembered.id === tokenId);
  await recordEvent(tx, organizationId, actor, { action: 'scim_token.revoked', target: { type: 'scim_token', id: tokenId } });
  return token;
}

/** A member's key for one Workspace they can reach; shown once. */
export async function createApiKey(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  memberId: string,
  workspaceId: string,
  name: string,
): Promise<{ key: string; apiKey: ApiKey }> {
  const keyName = requireText('name', name, 100);
  const access = await effectiveAccess(tx, organizationId, memberId);
  if (!access.some((entry) => entry.workspaceId === workspaceId)) {
    throw new ForbiddenError('no_workspace_access', 'The member has no access to this Workspace, so cannot hold a key for it', { workspaceId });
  }
  const secret = generateSecret('key');
  const apiKey = await insertApiKey(tx, { id: newId(), organizationId, memberId, workspaceId, name: keyName, prefix: secret.prefix, hash: secret.hash });
  await recordEvent(tx, organizationId, actor, { action: 'api_key.created', target: { type: 'api_key', id: apiKey.id }, data: { memberId, workspaceId, name: keyName } });
  return { key: secret.secret, apiKey };
}

export function listApiKeys(tx: Tx, organizationId: string, memberId?: string): Promise<ApiKey[]> {
  return selectApiKeys(tx, organizationId, memberId);
}

export async function revokeApiKey(tx: Tx, actor: Actor, organizationId: string, keyId: string): Promise<ApiKey> {
  const key = isId(keyId) ? await markApiKeyRevoked(tx, organizationId, keyId, 'revoked') : undefined;
  if (!key) throw new NotFoundError('api_key', keyId);
  await recordEvent(tx, organizationId, actor, { action: 'api_key.revoked', target: { type: 'api_key', id: keyId } });
  return key;
}

/**
 * The key and its member, when the key is live and its member active. Checked on
 * every use, so removal and suspension stop a key on the very next request.
 */
export async function authenticateApiKey(tx: Tx, secret: string): Promise<{ apiKey: ApiKey; member: Member } | null> {
  const hash = hashSecret(secret);
  const stored = await selectApiKeyByHash(tx, hash);
  if (!stored || !hashesMatch(stored.hash, hash) || stored.revokedAt || !stored.memberId) return null;
  const member = await selectMember(tx, stored.organizationId, stored.memberId);
  if (!member || member.status !== 'active') return null;
  await touchApiKey(tx, stored.id);
  const { hash: _stored, ...apiKey } = stored;
  return { apiKey, member };
}

/**
 * Verified SCIM tokens, remembered for a moment so a busy IdP's requests do not
 * each spend a database round trip on the same check. Revoking a token, or
 * deleting its Organization, forgets it here at once; another Roster instance
 * keeps honouring it for at most `SCIM_TOKEN_CACHE_MS` (0 turns this off).
 */
class VerifiedScimTokens {
  private readonly entries = new Map<string, { token: ScimToken & { hash: string }; until: number }>();
  private static readonly capacity = 1000;

  get(hash: string): (ScimToken & { hash: string }) | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.token;
    this.entries.delete(hash);
    return undefined;
  }

  remember(token: ScimToken & { hash: string }, forMs: number): void {
    if (this.entries.size >= VerifiedScimTokens.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token.hash, { token, until: Date.now() + forMs });
  }

  forget(matches: (token: ScimToken) => boolean): void {
    for (const [hash, entry] of this.entries) if (matches(entry.token)) this.entries.delete(hash);
  }
}

const verifiedScimTokens = new VerifiedScimTokens();

/** Forgets every remembered SCIM token of the Organization (it is being deleted). */
export function forgetScimTokensOf(organizationId: string): void {
  verifiedScimTokens.forget((token) => token.organizationId === organizationId);
}

export interface ScimTokenCheck {
  /** Requests allowed per token per minute; 0: no limit. */
  limitPerMinute?: number;
  /** How long a verified token may be trusted without asking the database again; 0: never. */
  cacheMs?: number;
}

/**
 * The live SCIM token a bearer secret stands for, or null. Each call is counted
 * against the token's per-minute limit (that count is always the database's)
 * and records its use.
 */
export async function authenticateScimToken(db: Knex, secret: string, { limitPerMinute = 0, cacheMs = 0 }: ScimTokenCheck = {}): Promise<ScimToken | null> {
  const hash = hashSecret(secret);
  const remembered = limitPerMinute === 0 && cacheMs > 0 ? verifiedScimTokens.get(hash) : undefined;
  const use = remembered ? { token: remembered, hits: null, windowEndsAt: null } : await selectScimTokenForRequest(db, hash, limitPerMinute > 0 ? rateWindowSeconds : null);
  // The index (or the map) found the row by hash; the comparison itself is constant-time.
  if (!use || !hashesMatch(use.token.hash, hash)) return null;
  if (use.hits === 1) await deleteOldRateWindows(db, use.token.id);
  if (use.hits !== null && use.hits > limitPerMinute) {
    const retryAfter = Math.max(1, Math.ceil(((use.windowEndsAt?.getTime() ?? Date.now()) - Date.now()) / 1000));
    throw new RateLimitedError(retryAfter, limitPerMinute);
  }
  if (!use.token.lastUsedAt || Date.now() - use.token.lastUsedAt.getTime() > 60_000) {
    await touchScimTokenIfStale(db, use.token.id);
    use.token.lastUsedAt = new Date();
  }
  if (!remembered && cacheMs > 0) verifiedScimTokens.remember(use.token, cacheMs);
  const { hash: _stored, ...token } = use.token;
  return token;
}

const rateWindowSeconds = 60;
