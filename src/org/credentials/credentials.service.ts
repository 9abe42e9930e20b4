import type { Knex } from 'knex';
import { isId, newId } from '../../db/ids.js';
import type { Tx } from '../../db/transaction.js';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError } from '../../errors.js';
import { recordEvent } from '../audit/audit.service.js';
import {
  countActiveScimTokens,
  insertApiKey,
  insertScimToken,
  markApiKeyRevoked,
  markScimTokenRevoked,
  selectApiKey,
  selectApiKeyByHash,
  selectApiKeys,
  selectScimToken,
  selectScimTokens,
  touchApiKey,
  touchScimTokenIfStale,
  selectScimTokenForRequest,
  deleteOldRateWindows,
} from './credentials.repo.js';
import { selectMember } from '../members/members.repo.js';
import { lockOrganization } from '../organizations/organizations.repo.js';
import { generateSecret, hashesMatch, hashSecret } from './secrets.js';
import type { Actor } from '../organizations/types.js';
import type { ApiKey, ScimToken } from './types.js';
import type { Member } from '../members/types.js';
import { requireText } from '../organizations/validation.js';
import { effectiveAccess, getWorkspace } from '../workspaces/workspaces.service.js';

/** Two active SCIM tokens let an IdP rotate its credential without downtime. */
export const maxActiveScimTokens = 2;

export async function createScimToken(tx: Tx, actor: Actor, organizationId: string, name = 'SCIM token'): Promise<{ token: string; scimToken: ScimToken }> {
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

/**
 * Revokes a SCIM token. Revoking one already revoked changes nothing and records
 * nothing; it answers the token as it is.
 */
export async function revokeScimToken(tx: Tx, actor: Actor, organizationId: string, tokenId: string): Promise<ScimToken> {
  if (!isId(tokenId)) throw new NotFoundError('scim_token', tokenId);
  const token = await markScimTokenRevoked(tx, organizationId, tokenId);
  if (!token) {
    const existing = await selectScimToken(tx, organizationId, tokenId);
    if (!existing) throw new NotFoundError('scim_token', tokenId);
    return existing;
  }
  forgetNowAndOnCommit(tx, (remembered) => remembered.id === tokenId);
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
  // Another Organization's Workspace is not found; one of this Organization the member cannot reach is refused.
  await getWorkspace(tx, organizationId, workspaceId);
  const access = await effectiveAccess(tx, organizationId, memberId);
  if (!access.some((entry) => entry.workspaceId === workspaceId)) {
    throw new ForbiddenError('no_workspace_access', 'The member has no access to this Workspace, so cannot hold a key for it', { workspaceId });
  }
  const secret = generateSecret('key');
  const apiKey = await insertApiKey(tx, { id: newId(), organizationId, memberId, workspaceId, name: keyName, prefix: secret.prefix, hash: secret.hash });
  await recordEvent(tx, organizationId, actor, {
    action: 'api_key.created',
    target: { type: 'api_key', id: apiKey.id },
    data: { memberId, workspaceId, name: keyName },
  });
  return { key: secret.secret, apiKey };
}

/** The Organization's API keys (revoked ones too), or one member's; a member of another Organization is not found. */
export async function listApiKeys(tx: Tx, organizationId: string, memberId?: string): Promise<ApiKey[]> {
  if (memberId !== undefined && !(isId(memberId) && (await selectMember(tx, organizationId, memberId)))) throw new NotFoundError('member', memberId);
  return selectApiKeys(tx, organizationId, memberId);
}

export async function getApiKey(tx: Tx, organizationId: string, keyId: string): Promise<ApiKey> {
  const key = isId(keyId) ? await selectApiKey(tx, organizationId, keyId) : undefined;
  if (!key) throw new NotFoundError('api_key', keyId);
  return key;
}

/**
 * Revokes an API key: it stops working on the next request. Revoking one
 * already revoked changes nothing and records nothing.
 */
export async function revokeApiKey(tx: Tx, actor: Actor, organizationId: string, keyId: string): Promise<ApiKey> {
  if (!isId(keyId)) throw new NotFoundError('api_key', keyId);
  const key = await markApiKeyRevoked(tx, organizationId, keyId, 'revoked');
  if (!key) return getApiKey(tx, organizationId, keyId);
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

/**
 * Forgets remembered tokens now and again once `tx` commits: a request on this
 * instance that read the token between the two (the revocation not yet
 * committed) must not keep it remembered past the commit.
 */
function forgetNowAndOnCommit(tx: Tx, matches: (token: ScimToken) => boolean): void {
  verifiedScimTokens.forget(matches);
  tx.executionPromise?.then(
    () => verifiedScimTokens.forget(matches),
    () => undefined,
  );
}

/** Forgets every remembered SCIM token of the Organization (it is being deleted in `tx`). */
export function forgetScimTokensOf(organizationId: string, tx?: Tx): void {
  const matches = (token: ScimToken) => token.organizationId === organizationId;
  if (tx) forgetNowAndOnCommit(tx, matches);
  else verifiedScimTokens.forget(matches);
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
  const use = remembered
    ? { token: remembered, hits: null, windowEndsAt: null }
    : await selectScimTokenForRequest(db, hash, limitPerMinute > 0 ? rateWindowSeconds : null);
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
