import type { Knex } from 'knex';
import type { Tx } from '../../db/transaction.js';
import type { Invitation, InvitationStatus } from './types.js';
import type { OrganizationRole } from '../organizations/types.js';

interface InvitationRow {
  id: string;
  organization_id: string;
  email: string;
  role: OrganizationRole;
  seats: string[];
  token_hash: string;
  status: InvitationStatus;
  expires_at: Date;
  invited_by_member_id: string | null;
  accepted_member_id: string | null;
  created_at: Date;
  updated_at: Date;
  expired: boolean;
}

function rowToInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    role: row.role,
    seats: row.seats ?? [],
    status: row.status,
    expired: row.status === 'pending' && row.expired,
    expiresAt: new Date(row.expires_at),
    invitedByMemberId: row.invited_by_member_id,
    acceptedMemberId: row.accepted_member_id,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** Every column, and whether the invitation has expired by the database's clock (one clock for every instance). */
function columns(tx: Knex, alias?: string): Array<string | Knex.Raw> {
  const prefix = alias ? `${alias}.` : '';
  return [`${prefix}*`, tx.raw(`(${prefix}expires_at <= now()) AS expired`)];
}

function expiresIn(tx: Knex, validSeconds: number): Knex.Raw {
  return tx.raw('now() + make_interval(secs => ?)', [validSeconds]);
}

export interface NewInvitationRow {
  id: string;
  organizationId: string;
  email: string;
  role: OrganizationRole;
  seats: string[];
  tokenHash: string;
  invitedByMemberId: string | null;
}

function newRow(tx: Tx, invitation: NewInvitationRow, validSeconds: number): Record<string, unknown> {
  return {
    id: invitation.id,
    organization_id: invitation.organizationId,
    email: invitation.email,
    role: invitation.role,
    seats: JSON.stringify(invitation.seats),
    token_hash: invitation.tokenHash,
    invited_by_member_id: invitation.invitedByMemberId,
    expires_at: expiresIn(tx, validSeconds),
  };
}

/** Inserts the invitations in one statement; `invitations_pending_unique` refuses a second pending one for an address. */
export async function insertInvitations(tx: Tx, invitations: NewInvitationRow[], validSeconds: number): Promise<Invitation[]> {
  if (invitations.length === 0) return [];
  const rows = (await tx('invitations')
    .insert(invitations.map((invitation) => newRow(tx, invitation, validSeconds)))
    .returning(columns(tx))) as InvitationRow[];
  return rows.map(rowToInvitation);
}

/**
 * Inserts the invitations in one statement, leaving out each address that has a pending
 * invitation by the time the row is written (also one a concurrent request just made):
 * `invitations_pending_unique` decides, and the addresses left out are simply not returned.
 */
export async function insertInvitationsUnlessPending(tx: Tx, invitations: NewInvitationRow[], validSeconds: number): Promise<Invitation[]> {
  if (invitations.length === 0) return [];
  const rows = (await tx('invitations')
    .insert(invitations.map((invitation) => newRow(tx, invitation, validSeconds)))
    .onConflict(tx.raw(`(organization_id, lower(email)) WHERE status = 'pending'`))
    .ignore()
    .returning(columns(tx))) as InvitationRow[];
  return rows.map(rowToInvitation);
}

/** The addresses among `emails` (compared in lower case) that have a pending invitation to the Organization, expired or not. */
export async function selectPendingInvitationEmails(tx: Tx, organizationId: string, emails: string[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const rows = (await tx('invitations')
    .where({ organization_id: organizationId, status: 'pending' })
    .whereRaw('lower(email) = ANY(?::text[])', [emails.map((email) => email.toLowerCase())])
    .orderBy('email')
    .select('email')) as Array<{ email: string }>;
  return rows.map((row) => row.email);
}

/**
 * The addresses among `emails` that already belong to a member of the Organization:
 * as its userName, or as the email of the Account it is linked to. One statement for
 * the whole list.
 */
export async function selectEmailsOfMembers(tx: Tx, organizationId: string, emails: string[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const result = await tx.raw(
    `SELECT wanted.email FROM unnest(?::text[]) AS wanted (email)
      WHERE EXISTS (SELECT 1 FROM members m WHERE m.organization_id = ? AND lower(m.user_name) = lower(wanted.email))
         OR EXISTS (SELECT 1 FROM accounts a JOIN members m ON m.account_id = a.id
                     WHERE lower(a.email) = lower(wanted.email) AND m.organization_id = ?)
      ORDER BY wanted.email`,
    [emails, organizationId, organizationId],
  );
  return (result.rows as Array<{ email: string }>).map((row) => row.email);
}

export interface InvitationListQuery {
  /** Matches addresses containing it, case-insensitively. */
  text?: string;
  role?: OrganizationRole;
  /** Keyset: only invitations after this id (ids are time-ordered: creation order). */
  afterId?: string;
  limit: number;
}

/** Pending invitations, live and expired, in creation order. */
export async function selectPendingInvitations(tx: Tx, organizationId: string, query: InvitationListQuery): Promise<Invitation[]> {
  const builder = tx('invitations as i').where({ 'i.organization_id': organizationId, 'i.status': 'pending' });
  if (query.text) builder.whereRaw(`lower(i.email) LIKE ? ESCAPE '\\'`, [`%${escapeLike(query.text.toLowerCase())}%`]);
  if (query.role) builder.where('i.role', query.role);
  if (query.afterId) builder.where('i.id', '>', query.afterId);
  const rows = (await builder.orderBy('i.id').limit(query.limit).select(columns(tx, 'i'))) as InvitationRow[];
  return rows.map(rowToInvitation);
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

export async function selectInvitation(tx: Tx, organizationId: string, id: string): Promise<Invitation | undefined> {
  const row = (await tx('invitations as i').where({ 'i.organization_id': organizationId, 'i.id': id }).select(columns(tx, 'i')).first()) as
    InvitationRow | undefined;
  return row && rowToInvitation(row);
}

/** Reads and row-locks the invitation: resend, revoke and accept of one invitation run one after another. */
export async function lockInvitation(tx: Tx, organizationId: string, id: string): Promise<Invitation | undefined> {
  const row = (await tx('invitations as i').where({ 'i.organization_id': organizationId, 'i.id': id }).select(columns(tx, 'i')).forUpdate().first()) as
    InvitationRow | undefined;
  return row && rowToInvitation(row);
}

/**
 * The invitation a link's token stands for, row-locked. A token replaced by a resend
 * matches nothing, also when the resend commits while this waits for the lock
 * (PostgreSQL checks the condition again on the row as it is then).
 */
export async function lockInvitationByTokenHash(tx: Tx, tokenHash: string): Promise<Invitation | undefined> {
  const row = (await tx('invitations as i').where('i.token_hash', tokenHash).select(columns(tx, 'i')).forUpdate().first()) as InvitationRow | undefined;
  return row && rowToInvitation(row);
}

/** The invitation a join link names, read without a lock (what its page shows before anyone accepts). */
export async function selectInvitationByTokenHash(tx: Tx, tokenHash: string): Promise<Invitation | undefined> {
  const row = (await tx('invitations as i').where('i.token_hash', tokenHash).select(columns(tx, 'i')).first()) as InvitationRow | undefined;
  return row && rowToInvitation(row);
}

/** A new link for a pending invitation: the old token's hash is overwritten, and the expiry starts again. */
export async function replaceInvitationToken(
  tx: Tx,
  organizationId: string,
  id: string,
  tokenHash: string,
  validSeconds: number,
): Promise<Invitation | undefined> {
  const [row] = (await tx('invitations as i')
    .where({ 'i.organization_id': organizationId, 'i.id': id, 'i.status': 'pending' })
    .update({ token_hash: tokenHash, expires_at: expiresIn(tx, validSeconds), updated_at: tx.fn.now() })
    .returning(columns(tx, 'i'))) as InvitationRow[];
  return row && rowToInvitation(row);
}

/** Ends a pending invitation as revoked or accepted; undefined when it was no longer pending. */
export async function markInvitationDone(
  tx: Tx,
  organizationId: string,
  id: string,
  outcome: { status: 'revoked' } | { status: 'accepted'; memberId: string },
): Promise<Invitation | undefined> {
  const [row] = (await tx('invitations as i')
    .where({ 'i.organization_id': organizationId, 'i.id': id, 'i.status': 'pending' })
    .update({ status: outcome.status, ...(outcome.status === 'accepted' ? { accepted_member_id: outcome.memberId } : {}), updated_at: tx.fn.now() })
    .returning(columns(tx, 'i'))) as InvitationRow[];
  return row && rowToInvitation(row);
}
