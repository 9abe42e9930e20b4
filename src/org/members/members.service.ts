import { newId, isId } from '../../db/ids.js';
import type { Tx } from '../../db/transaction.js';
import { ConflictError, LastAdminError, NotFoundError } from '../../errors.js';
import { insertAuditEvents } from '../audit/audit.repo.js';
import { auditEvent, recordEvent } from '../audit/audit.service.js';
import { revokeAccessAndSeatsOf } from '../credentials/credentials.repo.js';
import { selectGroupIdsOfMember } from '../groups/groups.repo.js';
import {
  countActiveAdminsOtherThan,
  deleteMemberRow,
  deleteMemberUnlessActiveAdmin,
  insertMember,
  isMissingOrganizationViolation,
  lockMember,
  selectMember,
  selectMemberByAccount,
  selectMemberByUserName,
  selectMembersOfAccount,
  setMemberAccount,
} from './members.repo.js';
import { lockOrganization } from '../organizations/organizations.repo.js';
import { refuseNewSeatsOfSuspended, takeSeats } from '../seats/seats.service.js';
import type { Actor, OrganizationRole } from '../organizations/types.js';
import type { ManagedBy, Member, MemberSource, ProfileChanges } from './types.js';
import { normaliseProfileChanges } from './profile.js';
import { requireOrganizationRole } from '../organizations/validation.js';
import { acceptedVersions, assertVersion, type ExpectedVersion } from '../organizations/versions.js';

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
  if (status === 'suspended' && input.seats?.length)
    await refuseNewSeatsOfSuspended(tx, { id, organizationId, userName: profile.userName }, [], input.seats, undefined);
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
    throw isMissingOrganizationViolation(error) ? new NotFoundError('organization', organizationId) : error;
  });
  if (wantsSeats) {
    const seats = await takeSeats(tx, organizationId, id, input.seats!);
    await insertAuditEvents(tx, [event(seats)]);
  }
  return member;
}

/** True when `addMember` writes the new member in a single statement (no seats to take): atomic without a transaction. */
export function isOneStatementCreate(input: Pick<NewMember, 'seats' | 'active'>): boolean {
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

export interface UpdateOptions {
  /** Refuse the change unless the member is still at this version (an If-Match precondition). */
  ifVersion?: ExpectedVersion;
}

/**
 * Removal: sessions and API keys revoked, seats freed, Workspace and group
 * memberships dropped. What the member created (Workspaces, groups) stays.
 */
export async function removeMember(tx: Tx, actor: Actor, organizationId: string, memberId: string, options: UpdateOptions = {}): Promise<void> {
  await removeOrLeave(tx, actor, organizationId, memberId, 'member.removed', options);
}

/**
 * `removeMember` as one statement, for a member who is not an active Admin (the
 * last-Admin rule counts Admins under locks, in a transaction). True when the member
 * was removed; false, with nothing written, when there was no such member to remove
 * that way (an active Admin, an unknown id, another version than `ifVersion`): the
 * caller then runs `removeMember`, which removes the Admin or says what stood in the way.
 */
export async function removeMemberUnlessActiveAdmin(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  memberId: string,
  options: UpdateOptions = {},
): Promise<boolean> {
  if (!isId(memberId)) return false;
  const { ifVersion } = options;
  // The statement fills in the member's userName, the groups it left and what was revoked and released.
  const event = auditEvent(organizationId, actor, {
    action: 'member.removed',
    target: { type: 'member', id: memberId },
    data: { userName: '', groupsLeft: 0, sessionsRevoked: 0, apiKeysRevoked: 0, seatsReleased: [] },
  });
  return deleteMemberUnlessActiveAdmin(tx, organizationId, memberId, {
    ...(ifVersion === undefined ? {} : { versions: acceptedVersions(ifVersion) }),
    event,
    reason: 'member_removed',
  });
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

/**
 * Invariant 1. Takes the Organization's lock before counting, so two requests
 * that each remove "the other" Admin count one after the other, on any instance.
 * Callers hold the member's row lock first: the lock order is member, then Organization.
 */
export async function assertAnotherActiveAdmin(tx: Tx, member: Member, action: string): Promise<void> {
  if (member.role !== 'admin' || member.status !== 'active') return;
  await lockOrganization(tx, member.organizationId);
  if ((await countActiveAdminsOtherThan(tx, member.organizationId, member.id)) === 0) throw new LastAdminError(action);
}
