import { isForeignKeyViolation, isNotNullViolation } from '../../db/pg-errors.js';
import type { Tx } from '../../db/transaction.js';
import { insertAuditEventPer, type NewAuditEvent } from '../audit/audit.repo.js';
import { revocationSteps, revocationSummary } from '../credentials/credentials.repo.js';
import { memberWithEmails, profileColumns, rowToMember, selectMembers, type MemberRow } from './member-rows.repo.js';
import { intoDefaultWorkspaceStep } from '../workspaces/workspaces.repo.js';
import type { Email, ManagedBy, Member, MemberSource, MemberStatus, ProfileChanges } from './types.js';
import type { OrganizationRole } from '../organizations/types.js';
import type { WorkspaceRole } from '../workspaces/types.js';

export interface NewMemberRow {
  id: string;
  organizationId: string;
  accountId: string | null;
  profile: ProfileChanges & { userName: string };
  role: OrganizationRole;
  managedBy: ManagedBy;
  source: MemberSource;
  status: MemberStatus;
}

export interface InsertOptions {
  /** The member's role in the default Workspace, which it joins in the same statement. */
  workspaceRole: WorkspaceRole;
  /** The audit event of the creation, written in the same statement. */
  event?: NewAuditEvent;
}

/**
 * Whether `insertMember` failed because the Organization does not exist: it has no default
 * Workspace to place the member in, or no row for the member to belong to.
 */
export function isMissingOrganizationViolation(error: unknown): boolean {
  return isNotNullViolation(error, 'workspace_members', 'workspace_id') || isForeignKeyViolation(error, 'members_organization_id_foreign');
}

/**
 * Inserts the member, its emails and its default-Workspace membership (and the
 * event, when given) as one statement; answers the member as stored.
 */
export async function insertMember(tx: Tx, member: NewMemberRow, { workspaceRole, event }: InsertOptions): Promise<Member> {
  const emails = (member.profile.emails ?? []).map((email) => ({
    value: email.value,
    type: email.type ?? null,
    primary: email.primary ?? false,
    display: email.display ?? null,
  }));
  let query = tx.with(
    'created',
    tx('members')
      .insert({
        id: member.id,
        organization_id: member.organizationId,
        account_id: member.accountId,
        role: member.role,
        managed_by: member.managedBy,
        source: member.source,
        status: member.status,
        ...profileColumns(member.profile),
      })
      .returning('*'),
  );
  if (emails.length > 0) {
    query = query.with(
      'emails_added',
      tx('member_emails').insert(emails.map((email, position) => ({ ...email, member_id: member.id, organization_id: member.organizationId, position }))),
    );
  }
  query = query.with('placed', intoDefaultWorkspaceStep(tx, 'created', workspaceRole));
  if (event) query = query.with('logged', insertAuditEventPer(tx, 'created', event));
  const [row] = (await query.select('*').from('created')) as MemberRow[];
  return rowToMember({ ...row!, emails });
}

export async function selectMember(tx: Tx, organizationId: string, id: string): Promise<Member | undefined> {
  const row = (await selectMembers(tx).where({ 'm.organization_id': organizationId, 'm.id': id }).first()) as MemberRow | undefined;
  return row && rowToMember(row);
}

/** Reads the member under a row lock: the caller's later checks and writes see no concurrent change of it. */
export async function lockMember(tx: Tx, organizationId: string, id: string): Promise<Member | undefined> {
  const row = (await selectMembers(tx).where({ 'm.organization_id': organizationId, 'm.id': id }).forUpdate('m').first()) as MemberRow | undefined;
  return row && rowToMember(row);
}

export async function selectMemberByUserName(tx: Tx, organizationId: string, userName: string): Promise<Member | undefined> {
  const row = (await selectMembers(tx).where('m.organization_id', organizationId).whereRaw('lower(m.user_name) = lower(?)', [userName]).first()) as
    MemberRow | undefined;
  return row && rowToMember(row);
}

export async function selectMemberByAccount(tx: Tx, organizationId: string, accountId: string): Promise<Member | undefined> {
  const row = (await selectMembers(tx).where({ 'm.organization_id': organizationId, 'm.account_id': accountId }).first()) as MemberRow | undefined;
  return row && rowToMember(row);
}

export interface BumpOptions {
  /** Write only if the member is still at this version; otherwise nothing is written and undefined answered. */
  atVersion?: number;
  /** The audit event of the change, written in the same statement. */
  event?: NewAuditEvent;
  /** End the member's access in the same statement (suspension), for this reason; the event records what was revoked. */
  revokeAccess?: string;
}

/** Applies a profile change, counts it as a new version of the member and answers the member as stored now. */
export async function updateMemberProfile(
  tx: Tx,
  organizationId: string,
  id: string,
  changes: ProfileChanges,
  otherColumns: { role?: OrganizationRole; status?: MemberStatus } = {},
  options: BumpOptions = {},
): Promise<Member | undefined> {
  if (changes.emails !== undefined) await replaceEmails(tx, organizationId, id, changes.emails ?? []);
  return bumpMember(tx, organizationId, id, { ...profileColumns(changes), ...otherColumns }, options);
}

/** Writes `columns` (possibly none), moves the member to its next version and answers it as stored now. */
export async function bumpMember(
  tx: Tx,
  organizationId: string,
  id: string,
  columns: Record<string, unknown> = {},
  { atVersion, event, revokeAccess }: BumpOptions = {},
): Promise<Member | undefined> {
  const update = tx('members as m')
    .where({ 'm.organization_id': organizationId, 'm.id': id, ...(atVersion === undefined ? {} : { 'm.version': atVersion }) })
    .update({ ...columns, version: tx.raw('version + 1'), updated_at: tx.fn.now() })
    .returning(memberWithEmails(tx));
  if (!event && !revokeAccess) {
    const [row] = (await update) as MemberRow[];
    return row && rowToMember(row);
  }
  // One statement: the update, then what depends on it having happened (revocations, the event).
  let query = tx.with('changed', update);
  if (revokeAccess) {
    for (const [name, step] of revocationSteps(tx, organizationId, id, revokeAccess, 'EXISTS (SELECT 1 FROM changed)')) query = query.with(name, step);
  }
  if (event) query = query.with('logged', insertAuditEventPer(tx, 'changed', event, revokeAccess ? revocationSummary : undefined));
  const [row] = (await query.select('*').from('changed')) as MemberRow[];
  return row && rowToMember(row);
}

async function replaceEmails(tx: Tx, organizationId: string, memberId: string, emails: Email[]): Promise<void> {
  await tx('member_emails').where({ member_id: memberId }).delete();
  await insertEmails(tx, organizationId, memberId, emails);
}

async function insertEmails(tx: Tx, organizationId: string, memberId: string, emails: Email[]): Promise<void> {
  if (emails.length === 0) return;
  await tx('member_emails').insert(
    emails.map((email, position) => ({
      member_id: memberId,
      organization_id: organizationId,
      position,
      value: email.value,
      type: email.type ?? null,
      primary: email.primary ?? false,
      display: email.display ?? null,
    })),
  );
}

/** Links the member to an Account that has none yet; false when it already has one. */
export async function setMemberAccount(tx: Tx, organizationId: string, id: string, accountId: string): Promise<boolean> {
  const rows = (await tx('members')
    .where({ organization_id: organizationId, id })
    .whereNull('account_id')
    .update({ account_id: accountId, version: tx.raw('version + 1'), updated_at: tx.fn.now() })
    .returning('id')) as unknown[];
  return rows.length > 0;
}

/** The active and suspended memberships of an Account, across Organizations. */
export async function selectMembersOfAccount(tx: Tx, accountId: string): Promise<Member[]> {
  const rows = (await selectMembers(tx).where('m.account_id', accountId).orderBy('m.created_at')) as MemberRow[];
  return rows.map(rowToMember);
}

export async function countActiveAdminsOtherThan(tx: Tx, organizationId: string, memberId: string): Promise<number> {
  const row = await tx('members')
    .where({ organization_id: organizationId, role: 'admin', status: 'active' })
    .whereNot('id', memberId)
    .select(tx.raw('count(*)::int AS count'))
    .first();
  return (row as { count: number }).count;
}

export async function deleteMemberRow(tx: Tx, organizationId: string, id: string): Promise<void> {
  await tx('members').where({ organization_id: organizationId, id }).delete();
}

export interface RemovalOptions {
  /** Remove the member only at one of these versions (an If-Match precondition). */
  versions?: readonly number[];
  /** The removal's event, written in the same statement; its data gains the userName, groupsLeft and what was revoked. */
  event: NewAuditEvent;
  /** Why the member's sessions and API keys were revoked. */
  reason: string;
}

/**
 * Removes the member in one statement unless it is an active Admin: its sessions and
 * API keys revoked and seats released (`revocationSteps`), the row deleted (emails,
 * Workspace and group memberships and SSO identities cascade; the pools' counters
 * follow the seats by trigger), and the event written. Nothing happens, and false is
 * answered, when there is no such member (at one of `versions`) to remove.
 *
 * The statement sees the database as it was when it started. A sign-in that commits a
 * session (or a key) while the delete waits for the member's row is not revoked by
 * name: the cascade leaves it without a member, and a session or key without its
 * member lets no one in (checkSession, authenticateApiKey). The row's deletion itself
 * waits for the row and checks role, status and version on the row as it is then.
 */
export async function deleteMemberUnlessActiveAdmin(tx: Tx, organizationId: string, id: string, { versions, event, reason }: RemovalOptions): Promise<boolean> {
  const removed = tx('members')
    .where({ organization_id: organizationId, id })
    .whereRaw("NOT (role = 'admin' AND status = 'active')")
    .delete()
    .returning(['id', 'user_name']);
  if (versions !== undefined) removed.whereIn('version', [...versions]);
  let query = tx
    .with('removed', removed)
    // Read before the row's deletion cascades to its group memberships (one snapshot for the whole statement).
    .with('groups_left', tx.raw('SELECT count(*)::int AS n FROM group_members WHERE member_id = ?', [id]));
  for (const [name, step] of revocationSteps(tx, organizationId, id, reason, 'EXISTS (SELECT 1 FROM removed)')) query = query.with(name, step);
  const departure = `jsonb_build_object('userName', removed.user_name, 'groupsLeft', (SELECT n FROM groups_left)) || ${revocationSummary}`;
  query = query.with('logged', insertAuditEventPer(tx, 'removed', event, departure));
  const rows = (await query.select('id').from('removed')) as unknown[];
  return rows.length > 0;
}

/** Ids among `ids` that name members of this Organization. */
export async function selectExistingMemberIds(tx: Tx, organizationId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  // Driven by the ids asked about (primary-key lookups), whatever the planner thinks of the Organization's size.
  const result = await tx.raw('SELECT m.id FROM unnest(?::uuid[]) AS wanted (id) JOIN members m ON m.id = wanted.id WHERE m.organization_id = ?', [
    ids,
    organizationId,
  ]);
  return new Set((result.rows as Array<{ id: string }>).map((row) => row.id));
}
