import type { Knex } from 'knex';
import type { Tx } from '../../db/transaction.js';
import { NotFoundError, UnauthenticatedError } from '../../errors.js';
import { isId } from '../../db/ids.js';
import {
  markOwnSessionRevoked,
  markSessionRevoked,
  selectLiveSessionsOfAccount,
  selectSessionView,
  touchSession,
  type Session,
  type SessionView,
} from './sessions.repo.js';

export type { Session, SessionView } from './sessions.repo.js';

/**
 * The session behind a request, checked now: not revoked, not expired, and
 * for an Organization's session, its member still there and active. Removal
 * and suspension revoke sessions too, but the member's own state is read on
 * every request as well, and the role returned is the member's current one.
 * A read (plus a best-effort touch), so it needs no transaction of its own.
 */
export async function checkSession(tx: Knex, sessionId: string): Promise<SessionView> {
  const session = await selectSessionView(tx, sessionId);
  if (!session || session.revokedAt) throw new UnauthenticatedError('session_ended', 'This session has ended; sign in again');
  if (session.expiresAt.getTime() <= Date.now()) throw new UnauthenticatedError('session_expired', 'This session has expired; sign in again');
  if (session.organizationId && (!session.memberId || session.memberStatus === null)) {
    throw new UnauthenticatedError('session_ended', 'You are no longer a member of this Organization');
  }
  if (session.memberStatus && session.memberStatus !== 'active')
    throw new UnauthenticatedError('member_suspended', 'Your membership of this Organization is suspended');
  // last_seen_at is written at most once a minute: a busy client does not write on every request.
  if (!session.lastSeenAt || Date.now() - session.lastSeenAt.getTime() > 60_000) await touchSession(tx, session.id);
  return session;
}

export async function endSession(tx: Tx, sessionId: string): Promise<void> {
  await markSessionRevoked(tx, sessionId, 'signed_out');
}

/** A person's own live sessions, in every Organization (where they are signed in). */
export function listOwnSessions(tx: Tx, accountId: string): Promise<Session[]> {
  return selectLiveSessionsOfAccount(tx, accountId);
}

/** Ends one of the caller's own sessions (signing out elsewhere); another person's session is not found. */
export async function endOwnSession(tx: Tx, accountId: string, sessionId: string): Promise<void> {
  if (!isId(sessionId) || !(await markOwnSessionRevoked(tx, accountId, sessionId, 'signed_out_elsewhere'))) throw new NotFoundError('session', sessionId);
}
