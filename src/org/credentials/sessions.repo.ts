import type { Knex } from 'knex';
import type { Tx } from '../../db/transaction.js';
import type { MemberStatus } from '../members/types.js';
import type { OrganizationRole } from '../organizations/types.js';

export interface Session {
  id: string;
  accountId: string;
  organizationId: string | null;
  memberId: string | null;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date | null;
  revokedAt: Date | null;
}

/** A session as every request sees it: with its account's email and its member's current status and role. */
export interface SessionView extends Session {
  email: string;
  memberStatus: MemberStatus | null;
  memberRole: OrganizationRole | null;
}

interface SessionRow {
  id: string;
  account_id: string;
  organization_id: string | null;
  member_id: string | null;
  created_at: Date;
  expires_at: Date;
  last_seen_at: Date | null;
  revoked_at: Date | null;
}

function rowToSession(row: SessionRow): Session {
  return {
    id: row.id,
    accountId: row.account_id,
    organizationId: row.organization_id,
    memberId: row.member_id,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    lastSeenAt: row.last_seen_at ? new Date(row.last_seen_at) : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
  };
}

export async function insertSession(
  tx: Tx,
  session: { id: string; accountId: string; organizationId: string | null; memberId: string | null; maxAgeMs: number },
): Promise<Session> {
  const [row] = (await tx('sessions')
    .insert({
      id: session.id,
      account_id: session.accountId,
      organization_id: session.organizationId,
      member_id: session.memberId,
      expires_at: tx.raw('now() + make_interval(secs => ?)', [session.maxAgeMs / 1000]),
      last_seen_at: tx.fn.now(),
    })
    .returning('*')) as SessionRow[];
  return rowToSession(row!);
}

/** The session with what a request needs to know of it, in one statement. */
export async function selectSessionView(tx: Knex, id: string): Promise<SessionView | undefined> {
  const result = await tx.raw(
    `SELECT s.*, a.email, m.status AS member_status, m.role AS member_role
       FROM sessions s JOIN accounts a ON a.id = s.account_id LEFT JOIN members m ON m.id = s.member_id
      WHERE s.id = ?`,
    [id],
  );
  const row = result.rows[0] as (SessionRow & { email: string; member_status: MemberStatus | null; member_role: OrganizationRole | null }) | undefined;
  return row && { ...rowToSession(row), email: row.email, memberStatus: row.member_status, memberRole: row.member_role };
}

export async function touchSession(tx: Knex, id: string): Promise<void> {
  await tx('sessions').where({ id }).update({ last_seen_at: tx.fn.now() });
}

export async function markSessionRevoked(tx: Tx, id: string, reason: string): Promise<boolean> {
  const rows = (await tx('sessions')
    .where({ id })
    .whereNull('revoked_at')
    .update({ revoked_at: tx.fn.now(), revoked_reason: reason })
    .returning('id')) as unknown[];
  return rows.length > 0;
}

/** The Account's sessions that are still live, newest first. */
export async function selectLiveSessionsOfAccount(tx: Tx, accountId: string): Promise<Session[]> {
  const rows = (await tx('sessions')
    .where({ account_id: accountId })
    .whereNull('revoked_at')
    .where('expires_at', '>', tx.fn.now())
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)) as SessionRow[];
  return rows.map(rowToSession);
}

/** Revokes one of the Account's own sessions; false when it is not theirs (or already ended). */
export async function markOwnSessionRevoked(tx: Tx, accountId: string, id: string, reason: string): Promise<boolean> {
  const rows = (await tx('sessions')
    .where({ id, account_id: accountId })
    .whereNull('revoked_at')
    .update({ revoked_at: tx.fn.now(), revoked_reason: reason })
    .returning('id')) as unknown[];
  return rows.length > 0;
}
