import type { Knex } from 'knex';
import type { Tx } from '../../db/transaction.js';
import type { ApiKey, ScimToken } from './types.js';

/** Sessions, API keys and SCIM tokens: what lets someone in, and what revocation turns off. */

interface ScimTokenRow {
  id: string;
  organization_id: string;
  name: string;
  prefix: string;
  token_hash: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

function rowToScimToken(row: ScimTokenRow): ScimToken {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    prefix: row.prefix,
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
  };
}

interface ApiKeyRow {
  id: string;
  organization_id: string;
  member_id: string | null;
  workspace_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

function rowToApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    organizationId: row.organization_id,
    memberId: row.member_id,
    workspaceId: row.workspace_id,
    name: row.name,
    prefix: row.prefix,
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
    revokedReason: row.revoked_reason,
  };
}

export async function insertScimToken(tx: Tx, token: { id: string; organizationId: string; name: string; prefix: string; hash: string }): Promise<ScimToken> {
  const [row] = (await tx('scim_tokens')
    .insert({ id: token.id, organization_id: token.organizationId, name: token.name, prefix: token.prefix, token_hash: token.hash })
    .returning('*')) as ScimTokenRow[];
  return rowToScimToken(row!);
}

export async function countActiveScimTokens(tx: Tx, organizationId: string): Promise<number> {
  const row = await tx('scim_tokens').where({ organization_id: organizationId }).whereNull('revoked_at').select(tx.raw('count(*)::int AS count')).first();
  return (row as { count: number }).count;
}

export async function selectScimTokens(tx: Tx, organizationId: string): Promise<ScimToken[]> {
  const rows = await tx<ScimTokenRow>('scim_tokens')
    .where({ organization_id: organizationId })
    .orderBy([{ column: 'created_at' }, { column: 'id' }]);
  return rows.map(rowToScimToken);
}

export async function selectScimToken(tx: Tx, organizationId: string, id: string): Promise<ScimToken | undefined> {
  const row = await tx<ScimTokenRow>('scim_tokens').where({ organization_id: organizationId, id }).first();
  return row && rowToScimToken(row);
}

/** Revokes the token if it is live; undefined when there was no live token to revoke. */
export async function markScimTokenRevoked(tx: Tx, organizationId: string, id: string): Promise<ScimToken | undefined> {
  const [row] = (await tx('scim_tokens')
    .where({ organization_id: organizationId, id })
    .whereNull('revoked_at')
    .update({ revoked_at: tx.fn.now() })
    .returning('*')) as ScimTokenRow[];
  return row && rowToScimToken(row);
}

export async function insertApiKey(
  tx: Tx,
  key: { id: string; organizationId: string; memberId: string; workspaceId: string; name: string; prefix: string; hash: string },
): Promise<ApiKey> {
  const [row] = (await tx('api_keys')
    .insert({
      id: key.id,
      organization_id: key.organizationId,
      member_id: key.memberId,
      workspace_id: key.workspaceId,
      name: key.name,
      prefix: key.prefix,
      key_hash: key.hash,
    })
    .returning('*')) as ApiKeyRow[];
  return rowToApiKey(row!);
}

export async function selectApiKeys(tx: Tx, organizationId: string, memberId?: string): Promise<ApiKey[]> {
  const q = tx<ApiKeyRow>('api_keys').where({ organization_id: organizationId });
  if (memberId) q.andWhere({ member_id: memberId });
  return (await q.orderBy([{ column: 'created_at' }, { column: 'id' }])).map(rowToApiKey);
}

export async function selectApiKeyByHash(tx: Tx, hash: string): Promise<(ApiKey & { hash: string }) | undefined> {
  const row = await tx<ApiKeyRow>('api_keys').where({ key_hash: hash }).first();
  return row && { ...rowToApiKey(row), hash: row.key_hash };
}

export async function selectApiKey(tx: Tx, organizationId: string, id: string): Promise<ApiKey | undefined> {
  const row = await tx<ApiKeyRow>('api_keys').where({ organization_id: organizationId, id }).first();
  return row && rowToApiKey(row);
}

/** Revokes the key if it is live; undefined when there was no live key to revoke. */
export async function markApiKeyRevoked(tx: Tx, organizationId: string, id: string, reason: string): Promise<ApiKey | undefined> {
  const [row] = (await tx('api_keys')
    .where({ organization_id: organizationId, id })
    .whereNull('revoked_at')
    .update({ revoked_at: tx.fn.now(), revoked_reason: reason })
    .returning('*')) as ApiKeyRow[];
  return row && rowToApiKey(row);
}

export async function touchApiKey(tx: Tx, id: string): Promise<void> {
  await tx('api_keys').where({ id }).update({ last_used_at: tx.fn.now() });
}

export interface ScimTokenUse {
  token: ScimToken & { hash: string };
  /** Requests counted in the current window, this one included; null when not counted. */
  hits: number | null;
  windowEndsAt: Date | null;
}

/**
 * Finds a live token by hash and, when `windowSeconds` is given, counts the
 * request in the token's current window — one statement per request.
 */
export async function selectScimTokenForRequest(tx: Knex, hash: string, windowSeconds: number | null): Promise<ScimTokenUse | undefined> {
  const counted = windowSeconds !== null;
  const result = await tx.raw(
    counted
      ? `WITH token AS (SELECT * FROM scim_tokens WHERE token_hash = ? AND revoked_at IS NULL),
              hit AS (
                INSERT INTO scim_rate_limits AS r (token_id, window_start, hits)
                SELECT id, to_timestamp(floor(extract(epoch FROM now()) / ?) * ?), 1 FROM token
                ON CONFLICT (token_id, window_start) DO UPDATE SET hits = r.hits + 1
                RETURNING hits, window_start)
         SELECT token.*, hit.hits, hit.window_start FROM token LEFT JOIN hit ON TRUE`
      : 'SELECT *, NULL::int AS hits, NULL::timestamptz AS window_start FROM scim_tokens WHERE token_hash = ? AND revoked_at IS NULL',
    counted ? [hash, windowSeconds, windowSeconds] : [hash],
  );
  const row = result.rows[0] as (ScimTokenRow & { hits: number | null; window_start: Date | null }) | undefined;
  if (!row) return undefined;
  return {
    token: { ...rowToScimToken(row), hash: row.token_hash },
    hits: row.hits,
    windowEndsAt: row.window_start && counted ? new Date(new Date(row.window_start).getTime() + windowSeconds * 1000) : null,
  };
}

/** Forgets the token's finished windows; called once per window, when its first request is counted. */
export async function deleteOldRateWindows(tx: Knex, tokenId: string): Promise<void> {
  await tx.raw("DELETE FROM scim_rate_limits WHERE token_id = ? AND window_start < now() - interval '1 hour'", [tokenId]);
}

/** Records the token's use at most once a minute, so busy IdPs do not all write one hot row. */
export async function touchScimTokenIfStale(tx: Knex, id: string): Promise<void> {
  await tx.raw("UPDATE scim_tokens SET last_used_at = now() WHERE id = ? AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')", [id]);
}

/**
 * What ends a member's access, as the CTEs of one statement: sessions and API
 * keys revoked (`sessions_revoked`, `keys_revoked`), seats released
 * (`seats_released`; the pools' counters follow by trigger). Each runs only when
 * `onlyIf` (an SQL condition over earlier CTEs) holds.
 */
export function revocationSteps(tx: Tx, organizationId: string, memberId: string, reason: string, onlyIf = 'TRUE'): Array<[string, Knex.Raw]> {
  return [
    [
      'sessions_revoked',
      tx.raw(
        `UPDATE sessions SET revoked_at = now(), revoked_reason = ? WHERE organization_id = ? AND member_id = ? AND revoked_at IS NULL AND ${onlyIf} RETURNING 1`,
        [reason, organizationId, memberId],
      ),
    ],
    [
      'keys_revoked',
      tx.raw(
        `UPDATE api_keys SET revoked_at = now(), revoked_reason = ? WHERE organization_id = ? AND member_id = ? AND revoked_at IS NULL AND ${onlyIf} RETURNING 1`,
        [reason, organizationId, memberId],
      ),
    ],
    [
      'seats_released',
      tx.raw(`DELETE FROM seat_assignments WHERE organization_id = ? AND member_id = ? AND ${onlyIf} RETURNING product`, [organizationId, memberId]),
    ],
  ];
}

/** What `revocationSteps` did, as a jsonb object for an audit event: counts, and the seats released when there were any. */
export const revocationSummary = `jsonb_build_object('sessionsRevoked', (SELECT count(*) FROM sessions_revoked), 'apiKeysRevoked', (SELECT count(*) FROM keys_revoked))
  || COALESCE((SELECT jsonb_build_object('seatsReleased', jsonb_agg(product ORDER BY product COLLATE "C")) FROM seats_released HAVING count(*) > 0), '{}'::jsonb)`;

/** Ends the member's access in one statement; answers what it revoked and released. */
export async function revokeAccessAndSeatsOf(
  tx: Tx,
  organizationId: string,
  memberId: string,
  reason: string,
): Promise<{ sessionsRevoked: number; apiKeysRevoked: number; seatsReleased: string[] }> {
  let query = tx.queryBuilder();
  for (const [name, step] of revocationSteps(tx, organizationId, memberId, reason)) query = query.with(name, step);
  const [row] = (await query.select(tx.raw(`${revocationSummary} AS summary`))) as Array<{
    summary: { sessionsRevoked: number; apiKeysRevoked: number; seatsReleased?: string[] };
  }>;
  const summary = row!.summary;
  return { sessionsRevoked: Number(summary.sessionsRevoked), apiKeysRevoked: Number(summary.apiKeysRevoked), seatsReleased: summary.seatsReleased ?? [] };
}
