import type { Tx } from '../../db/transaction.js';
import { ExternallyManagedError } from '../../errors.js';
import { auditEvent } from '../audit/audit.service.js';
import type { MemberChange } from '../audit/audit-events.js';
import { updateMemberProfile } from './members.repo.js';
import { assertAnotherActiveAdmin, lockExistingMember, type UpdateOptions } from './members.service.js';
import { deleteSeatAssignment, selectSeatsOf } from '../seats/seats.repo.js';
import { refuseNewSeatsOfSuspended, takeSeats } from '../seats/seats.service.js';
import type { Actor, OrganizationRole } from '../organizations/types.js';
import type { Member, ProfileChanges } from './types.js';
import { normaliseProfileChanges, profileDifferences, protectedFields } from './profile.js';
import { requireOrganizationRole, requireProduct } from '../organizations/validation.js';
import { assertVersion, ChangedMeanwhileError } from '../organizations/versions.js';

// Changes to an existing member (profile, role, active status, seats) all go through changeMember;
// joining and leaving the Organization are in members.service.ts.

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
 * to the write, which checks its version (`guard`), except an active Admin whom the
 * change would demote or suspend: the last-Admin check counts Admins while holding
 * the member's lock, so that Admin is locked first.
 */
async function basisOf(
  tx: Tx,
  organizationId: string,
  memberId: string,
  changes: MemberChanges,
  options: ChangeOptions,
): Promise<{ member: Member & { seats?: string[] }; guard?: number }> {
  if (options.locked?.id === memberId) return { member: options.locked };
  const seen = options.seen?.id === memberId ? options.seen : undefined;
  if (seen && !endsActiveAdmin(seen, changes)) return { member: seen, guard: seen.version };
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
  const { member, guard } = await basisOf(tx, organizationId, memberId, changes, options);
  assertVersion('member', member.version, options.ifVersion);

  const { profile, fields, role, status } = planChange(member, changes);
  assertMayChangeProfile(member, actor, fields);
  if (role !== 'admin' || status !== 'active')
    await assertAnotherActiveAdmin(tx, member, `${status !== 'active' ? 'suspend' : 'change the role of'} ${member.userName}`);

  const event: MemberChange = {};
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

/** Whether `changes` would make an active Admin stop being one (the last-Admin rule applies). */
function endsActiveAdmin(member: Member, changes: MemberChanges): boolean {
  if (member.role !== 'admin' || member.status !== 'active') return false;
  const { role, status } = planChange(member, changes);
  return role !== 'admin' || status !== 'active';
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
 *   so it needs no transaction. Not so for an active Admin the change demotes or
 *   suspends (locked first), new emails, or seats to take or release.
 */
export function assessChange(seen: Member & { seats: string[] }, changes: MemberChanges): { nothing: boolean; oneStatement: boolean } {
  const { fields, role, status } = planChange(seen, changes);
  // A member who ends up suspended holds no seat: wanting those held changes nothing (the
  // suspension releases them); wanting another is refused by changeMember, on the locked path.
  const seatsKept =
    changes.seats === undefined ||
    (status === 'active' ? sameProducts(seen.seats, changes.seats) : changes.seats.map(requireProduct).every((product) => seen.seats.includes(product)));
  return {
    nothing: fields.length === 0 && role === seen.role && status === seen.status && seatsKept,
    oneStatement: !endsActiveAdmin(seen, changes) && !fields.includes('emails') && seatsKept,
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

/** Invariant 4: only the managing IdP changes a managed member's name, userName and emails. */
function assertMayChangeProfile(member: Member, actor: Actor, fields: string[]): void {
  if (member.managedBy === 'none') return;
  const managedByActor = (member.managedBy === 'scim' && actor.type === 'scim_token') || (member.managedBy === 'sso' && actor.type === 'sso');
  const guarded = fields.filter((field) => protectedFields.has(field.split('.')[0]!));
  if (!managedByActor && guarded.length > 0) throw new ExternallyManagedError(member.managedBy, guarded);
}

/** Moves the member from the seats `held` to exactly the `wanted` ones, all or nothing. */
async function applySeats(tx: Tx, organizationId: string, memberId: string, held: string[], wanted: string[], event: MemberChange): Promise<void> {
  const target = new Set(wanted.map(requireProduct));
  const released: string[] = [];
  for (const product of held) {
    if (!target.has(product) && (await deleteSeatAssignment(tx, organizationId, product, memberId))) released.push(product);
  }
  const assigned = await takeSeats(
    tx,
    organizationId,
    memberId,
    [...target].filter((product) => !held.includes(product)),
  );
  if (assigned.length > 0) event.seatsAssigned = assigned;
  if (released.length > 0) event.seatsReleased = released;
}

function actionFor(event: MemberChange): 'member.updated' | 'member.role_changed' | 'member.suspended' | 'member.reactivated' {
  const kinds = Object.keys(event).filter((key) => ['fields', 'role', 'status', 'seatsAssigned', 'seatsReleased'].includes(key));
  const status = event.status;
  if (kinds.length === 1 && status) return status.to === 'active' ? 'member.reactivated' : 'member.suspended';
  if (status?.to === 'suspended' && kinds.every((kind) => kind === 'status' || kind === 'seatsReleased')) return 'member.suspended';
  if (kinds.length === 1 && event.role) return 'member.role_changed';
  return 'member.updated';
}
