import { newId, isId } from '../db/ids.js';
import { isForeignKeyViolation, isNotNullViolation } from '../db/pg-errors.js';
import type { Tx } from '../db/transaction.js';
import { ConflictError, ExternallyManagedError, LastAdminError, NotFoundError } from '../errors.js';
import { insertAuditEvents } from './audit.repo.js';
import { auditEvent, recordEvent } from './audit.service.js';
import { revokeAccessAndSeatsOf } from './credentials.repo.js';
import { selectGroupIdsOfMember } from './groups.repo.js';
import {
  countActiveAdminsOtherThan,
  deleteMemberRow,
  insertMember,
  lockMember,
  selectMember,
  selectMemberByAccount,
  selectMemberByUserName,
  selectMembersOfAccount,
  setMemberAccount,
  updateMemberProfile,
} from './members.repo.js';
import { lockOrganization } from './organizations.repo.js';
import { deleteSeatAssignment, selectSeatsOf } from './seats.repo.js';
import { refuseNewSeatsOfSuspended, takeSeats } from './seats.service.js';
import type { Actor, ManagedBy, Member, MemberSource, OrganizationRole, ProfileChanges } from './types.js';
import { normaliseProfileChanges, profileDifferences, protectedFields } from './profile.js';
import { requireOrganizationRole, requireProduct } from './validation.js';
import { assertVersion, ChangedMeanwhileError, type ExpectedVersion } from './versions.js';

export interface NewMember {
  profile: ProfileChanges & { userName: string };
  role?: OrganizationRole;
  source: MemberSource;
  /** Defaults from the source: SCIM-provisioned members are managed by SCIM, SSO-created ones by SSO. */
  managedBy?: ManagedBy;
  accountId?: string | null;
  /** Products whose seat the member takes at once; all or nothing. */
  seats?: string[];
  /** SCIM may create a member as inactive (suspended). */
  active?: boolean;
}

const defaultManagedBy: Record<MemberSource, ManagedBy> = {
  bootstrap: 'none',
  invitation: 'none',
  domain: 'none',
  scim: 'scim',
  sso: 'sso',
};

/** Adds a member to the Organization and its default Workspace, with any seats asked for. */
export async function addMember(tx: Tx, actor: Actor, organizationId: string, input: NewMember): Promise<Member> {
  if (!isId(organizationId)) throw new NotFoundError('organization', organizationId);
  const profile = normaliseProfileChanges(input.profile) as ProfileChanges & { userName: string };
  const role = requireOrganizationRole(input.role ?? 'member');
  const id = newId();
  const managedBy = input.managedBy ?? defaultManagedBy[input.source];
  const status = input.active === false ? 'suspended' : 'active';
  // Invariant 5: created suspended, the member holds no seats; asking for some is refused as on a change.
  if (status === 'suspended' && input.seats?.length) await refuseNewSeatsOfSuspended(tx, { id, organizationId, userName: profile.userName }, [], input.seats, undefined);
  const wantsSeats = !isOneStatementCreate(input);
  const event = (seats: string[]) =>
    auditEvent(organizationId, actor, {
      action: 'member.created',
      target: { type: 'member', id },
      data: { userName: profile.userName, role, source: input.source, managedBy, status, seats },
    });
  // One statement: the member, its emails, its default-Workspace membership and, unless
  // seats are to be taken after it, its event. The insert tells whether the Organization
  // exists: no read first.
  const member = await insertMember(
    tx,
    { id, organizationId, accountId: input.accountId ?? null, profile, role, managedBy, source: input.source, status },
    { workspaceRole: input.source === 'bootstrap' ? 'admin' : 'contributor', ...(wantsSeats ? {} : { event: event([]) }) },
  ).catch((error: unknown) => {
    // An Organization has its default Workspace from its creation on (it cannot be deleted),
    // so finding none means there is no such Organization; nothing was written either way.
    const missing = isNotNullViolation(error, 'workspace_members', 'workspace_id') || isForeignKeyViolation(error, 'members_organization_id_foreign');
    throw missing ? new NotFoundError('organization', organizationId) : error;
  });
  if (wantsSeats) {
    const seats = await takeSeats(tx, organizationId, id, input.seats!);
    await insertAuditEvents(tx, [event(seats)]);
  }
  return member;
}

/** True when `addMember` writes the new member in a single statement (no seats to take): atomic without a transaction. */
export function isOneStatementCreate(input: NewMember): boolean {
  return !(input.seats?.length && input.active !== false);
}

export async function getMember(tx: Tx, organizationId: string, memberId: string): Promise<Member> {
  const member = isId(memberId) ? await selectMember(tx, organizationId, memberId) : undefined;
  if (!member) throw new NotFoundError('member', memberId);
  return member;
}

/**
 * Links a member to the Account of a person who proved the member's email (a
 * sign-in link sent to it). A member linked to another Account is refused.
 */
export async function linkMemberToAccount(tx: Tx, actor: Actor, organizationId: string, memberId: string, accountId: string): Promise<Member> {
  const member = await lockExistingMember(tx, organizationId, memberId);
  if (member.accountId === accountId) return member;
  if (member.accountId) throw new ConflictError('member_linked_elsewhere', `${member.userName} already belongs to another account`);
  await setMemberAccount(tx, organizationId, memberId, accountId);
  await recordEvent(tx, organizationId, actor, { action: 'member.account_linked', target: { type: 'member', id: memberId }, data: { accountId } });
  return getMember(tx, organizationId, memberId);
}

export function membershipsOfAccount(tx: Tx, accountId: string): Promise<Member[]> {
  return selectMembersOfAccount(tx, accountId);
}

export function findMemberOfAccount(tx: Tx, organizationId: string, accountId: string): Promise<Member | undefined> {
  return selectMemberByAccount(tx, organizationId, accountId);
}

export function findMemberByUserName(tx: Tx, organizationId: string, userName: string): Promise<Member | undefined> {
  return selectMemberByUserName(tx, organizationId, userName);
}

/** Reads and row-locks the member; the rest of the transaction sees no concurrent change of it. */
export async function lockExistingMember(tx: Tx, organizationId: string, memberId: string): Promise<Member> {
  const member = isId(memberId) ? await lockMember(tx, organizationId, memberId) : undefined;
  if (!member) throw new NotFoundError('member', memberId);
  return member;
}

/**
 * Everything an IdP can change about a member in one request (a SCIM PUT or
 * PATCH): profile, Organization role, active status and the full set of seats.
 * One row lock, one new version and one audit event, whatever the mix, so the
 * request is all or nothing and the audit log shows it as the one change it was.
 */
export interface MemberChanges {
  profile?: ProfileChanges;
  role?: OrganizationRole;
  active?: boolean;
  /** The products the member should hold a seat of, all of them: others are released. */
  seats?: string[];
}

export interface UpdateOptions {
  /** Refuse the change unless the member is still at this version (an If-Match precondition). */
  ifVersion?: ExpectedVersion;
}

export interface ChangeOptions extends UpdateOptions {
  /** The member (with the seats it holds, when known) as the caller read it under a row lock in this transaction; saves reading it again. */
  locked?: Member & { seats?: string[] };
  /**
   * The member (with its seats) as the caller read it without a lock, the changes
   * having been worked out from it. The change is written only if the member is
   * still at that version; otherwise nothing is written and ChangedMeanwhileError
   * is thrown, for the caller to plan again on a locked read.
   */
  seen?: Member & { seats: string[] };
}

/**
 * The member a change is planned on. A member seen without a lock is trusted up
 * to the write, which checks its version (`guard`), except an Admin: the last-Admin
 * check counts Admins while holding the member's lock, so an Admin is locked first.
 */
async function basisOf(tx: Tx, organizationId: string, memberId: string, options: ChangeOptions): Promise<{ member: Member & { seats?: string[] }; guard?: number }> {
  if (options.locked?.id === memberId) return { member: options.locked };
  const seen = options.seen?.id === memberId ? options.seen : undefined;
  if (seen && seen.role !== 'admin') return { member: seen, guard: seen.version };
  const member = await lockExistingMember(tx, organizationId, memberId);
  if (seen && member.version !== seen.version) throw new ChangedMeanwhileError('member', memberId);
  return { member };
}

export async function changeMember(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  memberId: string,
  changes: MemberChanges,
  options: ChangeOptions = {},
): Promise<Member> {
  const { member, guard } = await basisOf(tx, organizationId, memberId, options);
  assertVersion('member', member.version, options.ifVersion);

  const { profile, fields, role, status } = planChange(member, changes);
  assertMayChangeProfile(member, actor, fields);
  if (role !== 'admin' || status !== 'active') await assertAnotherActiveAdmin(tx, member, `${status !== 'active' ? 'suspend' : 'change the role of'} ${member.userName}`);

  const event: Record<string, unknown> = {};
  if (fields.length > 0) event.fields = fields;
  if (role !== member.role) event.role = { from: member.role, to: role };
  if (status !== member.status) event.status = { from: member.status, to: status };

  // Invariant 5: on suspension access ends at once and seats go back to their pools,
  // in the statement that suspends (the event records what was revoked).
  const suspending = status === 'suspended' && member.status === 'active';
  if (changes.seats !== undefined) {
    const held = member.seats ?? (await selectSeatsOf(tx, organizationId, memberId));
    if (status === 'active') await applySeats(tx, organizationId, memberId, held, changes.seats, event);
    else await refuseNewSeatsOfSuspended(tx, member, held, changes.seats, guard);
  }

  if (Object.keys(event).length === 0) return member;
  const columns = { ...(role !== member.role ? { role } : {}), ...(status !== member.status ? { status } : {}) };
  // Emails are rewritten only when they changed; other profile columns are written together.
  const written = fields.length === 0 ? {} : fields.includes('emails') ? profile : { ...profile, emails: undefined };
  const changed = await updateMemberProfile(tx, organizationId, memberId, written, columns, {
    atVersion: guard,
    event: auditEvent(organizationId, actor, { action: actionFor(event), target: { type: 'member', id: memberId }, data: event }),
    ...(suspending ? { revokeAccess: 'member_suspended' } : {}),
  });
  if (!changed) throw new ChangedMeanwhileError('member', memberId);
  return changed;
}

/** What `changes` would make of the member's profile, role and status. */
function planChange(member: Member, changes: MemberChanges) {
  const profile = normaliseProfileChanges(changes.profile ?? {});
  return {
    profile,
    fields: profileDifferences(member, profile),
    role: changes.role === undefined ? member.role : requireOrganizationRole(changes.role),
    status: changes.active === undefined ? member.status : changes.active ? ('active' as const) : ('suspended' as const),
  };
}

/**
 * What `changeMember` would do with `changes` to the member as `seen` without a
 * lock (holding `seen.seats`), worked out once for the caller:
 * - `nothing`: the member would stay exactly as stored (no write, no event), so
 *   the request can be answered from that read, without a transaction;
 * - `oneStatement`: the write is the member's row alone (profile columns, role,
 *   status, a suspension's revocations and the event together), atomic on its own,
 *   so it needs no transaction. Not so for an Admin (locked first), new emails,
 *   or seats to take or release.
 */
export function assessChange(seen: Member & { seats: string[] }, changes: MemberChanges): { nothing: boolean; oneStatement: boolean } {
  const { fields, role, status } = planChange(seen, changes);
  // A member who ends up suspended holds no seat: wanting those held changes nothing (the
  // suspension releases them); wanting another is refused by changeMember, on the locked path.
  const seatsKept =
    changes.seats === undefined || (status === 'active' ? sameProducts(seen.seats, changes.seats) : changes.seats.map(requireProduct).every((product) => seen.seats.includes(product)));
  return {
    nothing: fields.length === 0 && role === seen.role && status === seen.status && seatsKept,
    oneStatement: seen.role !== 'admin' && !fields.includes('emails') && seatsKept,
  };
}

function sameProducts(held: string[], wanted: string[]): boolean {
  const target = new Set(wanted.map(requireProduct));
  return target.size === held.length && held.every((product) => target.has(product));
}


/** Changes profile fields (invariant 4: an IdP-managed name, userName and emails only from that IdP). */
export function updateProfile(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  memberId: string,
  profile: ProfileChanges,
  options: UpdateOptions = {},
): Promise<Member> {
  return changeMember(tx, actor, organizationId, memberId, { profile }, options);
}

export function changeRole(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  memberId: string,
  role: OrganizationRole,
  options: UpdateOptions = {},
): Promise<Member> {
  return changeMember(tx, actor, organizationId, memberId, { role: requireOrganizationRole(role) }, options);
}

/** Suspension revokes access and frees seats; Workspace and group memberships stay, inert, for reactivation. */
export function suspendMember(tx: Tx, actor: Actor, organizationId: string, memberId: string, options: UpdateOptions = {}): Promise<Member> {
  return changeMember(tx, actor, organizationId, memberId, { active: false }, options);
}

export function reactivateMember(tx: Tx, actor: Actor, organizationId: string, memberId: string, options: UpdateOptions = {}): Promise<Member> {
  return changeMember(tx, actor, organizationId, memberId, { active: true }, options);
}

/**
 * Removal: sessions and API keys revoked, seats freed, Workspace and group
 * memberships dropped. What the member created (Workspaces, groups) stays.
 */
export async function removeMember(tx: Tx, actor: Actor, organizationId: string, memberId: string, options: UpdateOptions = {}): Promise<void> {
  await removeOrLeave(tx, actor, organizationId, memberId, 'member.removed', options);
}

/** A member leaves on their own; the last active Admin cannot. */
export async function leaveOrganization(tx: Tx, organizationId: string, memberId: string): Promise<void> {
  await removeOrLeave(tx, { type: 'member', id: memberId }, organizationId, memberId, 'member.left', {});
}

async function removeOrLeave(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  memberId: string,
  action: 'member.removed' | 'member.left',
  options: UpdateOptions,
): Promise<void> {
  const member = await lockExistingMember(tx, organizationId, memberId);
  assertVersion('member', member.version, options.ifVersion);
  await assertAnotherActiveAdmin(tx, member, action === 'member.left' ? 'leave the Organization' : `remove ${member.userName}`);
  const revoked = await revokeAccessAndSeatsOf(tx, organizationId, memberId, action === 'member.left' ? 'member_left' : 'member_removed');
  const groups = await selectGroupIdsOfMember(tx, memberId);
  // Emails, Workspace and group memberships cascade with the row; the seat pools'
  // counters followed the seats' deletion by trigger.
  await deleteMemberRow(tx, organizationId, memberId);
  await recordEvent(tx, organizationId, actor, {
    action,
    target: { type: 'member', id: memberId },
    data: { userName: member.userName, groupsLeft: groups.length, ...revoked },
  });
}

/** Invariant 4: only the managing IdP changes a managed member's name, userName and emails. */
function assertMayChangeProfile(member: Member, actor: Actor, fields: string[]): void {
  if (member.managedBy === 'none') return;
  const managedByActor = (member.managedBy === 'scim' && actor.type === 'scim_token') || (member.managedBy === 'sso' && actor.type === 'sso');
  const guarded = fields.filter((field) => protectedFields.has(field.split('.')[0]!));
  if (!managedByActor && guarded.length > 0) throw new ExternallyManagedError(member.managedBy, guarded);
}

/**
 * Invariant 1. Takes the Organization's lock before counting, so two requests
 * that each remove "the other" Admin count one after the other, on any instance.
 * Callers hold the member's row lock first: the lock order is member, then Organization.
 */
async function assertAnotherActiveAdmin(tx: Tx, member: Member, action: string): Promise<void> {
  if (member.role !== 'admin' || member.status !== 'active') return;
  await lockOrganization(tx, member.organizationId);
  if ((await countActiveAdminsOtherThan(tx, member.organizationId, member.id)) === 0) throw new LastAdminError(action);
}

/** Moves the member from the seats `held` to exactly the `wanted` ones, all or nothing. */
async function applySeats(tx: Tx, organizationId: string, memberId: string, held: string[], wanted: string[], event: Record<string, unknown>): Promise<void> {
  const target = new Set(wanted.map(requireProduct));
  const released: string[] = [];
  for (const product of held) {
    if (!target.has(product) && (await deleteSeatAssignment(tx, organizationId, product, memberId))) released.push(product);
  }
  const assigned = await takeSeats(tx, organizationId, memberId, [...target].filter((product) => !held.includes(product)));
  if (assigned.length > 0) event.seatsAssigned = assigned;
  if (released.length > 0) event.seatsReleased = released;
}

function actionFor(event: Record<string, unknown>): string {
  const kinds = Object.keys(event).filter((key) => ['fields', 'role', 'status', 'seatsAssigned', 'seatsReleased'].includes(key));
  const status = event.status as { to: string } | undefined;
  if (kinds.length === 1 && status) return status.to === 'active' ? 'member.reactivated' : 'member.suspended';
  if (status?.to === 'suspended' && kinds.every((kind) => kind === 'status' || kind === 'seatsReleased')) return 'member.suspended';
  if (kinds.length === 1 && event.role) return 'member.role_changed';
  return 'member.updated';
}
