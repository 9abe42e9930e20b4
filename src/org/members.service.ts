import { newId, isId } from '../db/ids.js';
import type { Tx } from '../db/transaction.js';
import { ExternallyManagedError, LastAdminError, NotFoundError } from '../errors.js';
import { recordEvent } from './audit.service.js';
import { assertVersion as assertExpectedVersion, type ExpectedVersion } from './versions.js';
import { revokeApiKeysOf, revokeSessionsOf } from './credentials.repo.js';
import { selectGroupIdsOfMember } from './groups.repo.js';
import {
  bumpMember,
  countActiveAdminsOtherThan,
  deleteMemberRow,
  insertMember,
  lockMember,
  selectMember,
  selectMemberByUserName,
  updateMemberProfile,
} from './members.repo.js';
import { lockOrganization, selectOrganization } from './organizations.repo.js';
import { deleteSeatAssignmentsOf, selectSeatsOf } from './seats.repo.js';
import { takeSeats } from './seats.service.js';
import type { Actor, ManagedBy, Member, MemberSource, OrganizationRole, ProfileChanges } from './types.js';
import { normaliseProfileChanges, profileDifferences, protectedFields } from './profile.js';
import { requireOrganizationRole } from './validation.js';
import { insertIntoDefaultWorkspace } from './workspaces.repo.js';

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
  if (!isId(organizationId) || !(await selectOrganization(tx, organizationId))) throw new NotFoundError('organization', organizationId);
  const profile = normaliseProfileChanges(input.profile) as ProfileChanges & { userName: string };
  const role = requireOrganizationRole(input.role ?? 'member');
  const id = newId();
  await insertMember(tx, {
    id,
    organizationId,
    accountId: input.accountId ?? null,
    profile,
    role,
    managedBy: input.managedBy ?? defaultManagedBy[input.source],
    source: input.source,
    status: input.active === false ? 'suspended' : 'active',
  });
  if (!(await insertIntoDefaultWorkspace(tx, organizationId, id, input.source === 'bootstrap' ? 'admin' : 'contributor'))) {
    throw new Error(`Organization ${organizationId} has no default Workspace`);
  }
  const seats = input.seats?.length && input.active !== false ? await takeSeats(tx, organizationId, id, input.seats) : [];
  const member = await getMember(tx, organizationId, id);
  await recordEvent(tx, organizationId, actor, {
    action: 'member.created',
    target: { type: 'member', id },
    data: { userName: member.userName, role, source: input.source, managedBy: member.managedBy, status: member.status, seats },
  });
  return member;
}

export async function getMember(tx: Tx, organizationId: string, memberId: string): Promise<Member> {
  const member = isId(memberId) ? await selectMember(tx, organizationId, memberId) : undefined;
  if (!member) throw new NotFoundError('member', memberId);
  return member;
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

function assertVersion(member: Member, options: UpdateOptions): void {
  assertExpectedVersion('member', member.version, options.ifVersion);
}

function managesProfile(actor: Actor, managedBy: ManagedBy): boolean {
  return (managedBy === 'scim' && actor.type === 'scim_token') || (managedBy === 'sso' && actor.type === 'sso');
}

/**
 * Changes profile fields. Invariant 4: when an IdP manages the member, only that
 * IdP changes the name, userName and emails; a change that leaves them as they are
 * is accepted from anyone.
 */
export async function updateProfile(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  memberId: string,
  changes: ProfileChanges,
  options: UpdateOptions = {},
): Promise<Member> {
  const member = await lockExistingMember(tx, organizationId, memberId);
  assertVersion(member, options);
  const normalised = normaliseProfileChanges(changes);
  const changed = profileDifferences(member, normalised);
  if (changed.length === 0) return member;
  const guarded = changed.filter((field) => protectedFields.has(field.split('.')[0]!));
  if (member.managedBy !== 'none' && guarded.length > 0 && !managesProfile(actor, member.managedBy)) {
    throw new ExternallyManagedError(member.managedBy, guarded);
  }
  await updateMemberProfile(tx, organizationId, memberId, normalised);
  await recordEvent(tx, organizationId, actor, { action: 'member.updated', target: { type: 'member', id: memberId }, data: { fields: changed } });
  return getMember(tx, organizationId, memberId);
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

export async function changeRole(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  memberId: string,
  role: OrganizationRole,
  options: UpdateOptions = {},
): Promise<Member> {
  const newRole = requireOrganizationRole(role);
  const member = await lockExistingMember(tx, organizationId, memberId);
  assertVersion(member, options);
  if (member.role === newRole) return member;
  if (newRole !== 'admin') await assertAnotherActiveAdmin(tx, member, `change the role of ${member.userName}`);
  await bumpMember(tx, organizationId, memberId, { role: newRole });
  await recordEvent(tx, organizationId, actor, {
    action: 'member.role_changed',
    target: { type: 'member', id: memberId },
    data: { from: member.role, to: newRole },
  });
  return getMember(tx, organizationId, memberId);
}

/** Ends the member's sessions and API keys at once; the next request with them fails. */
async function revokeAccess(tx: Tx, member: Member, reason: string): Promise<{ sessionsRevoked: number; apiKeysRevoked: number }> {
  const sessionsRevoked = await revokeSessionsOf(tx, member.organizationId, member.id, reason);
  const apiKeysRevoked = await revokeApiKeysOf(tx, member.organizationId, member.id, reason);
  return { sessionsRevoked, apiKeysRevoked };
}

/** Suspension revokes access and frees seats; Workspace and group memberships stay, inert, for reactivation. */
export async function suspendMember(tx: Tx, actor: Actor, organizationId: string, memberId: string, options: UpdateOptions = {}): Promise<Member> {
  const member = await lockExistingMember(tx, organizationId, memberId);
  assertVersion(member, options);
  if (member.status === 'suspended') return member;
  await assertAnotherActiveAdmin(tx, member, `suspend ${member.userName}`);
  await bumpMember(tx, organizationId, memberId, { status: 'suspended' });
  const revoked = await revokeAccess(tx, member, 'member_suspended');
  const seatsReleased = await deleteSeatAssignmentsOf(tx, organizationId, memberId);
  await recordEvent(tx, organizationId, actor, {
    action: 'member.suspended',
    target: { type: 'member', id: memberId },
    data: { seatsReleased, ...revoked },
  });
  return getMember(tx, organizationId, memberId);
}

export async function reactivateMember(tx: Tx, actor: Actor, organizationId: string, memberId: string, options: UpdateOptions = {}): Promise<Member> {
  const member = await lockExistingMember(tx, organizationId, memberId);
  assertVersion(member, options);
  if (member.status === 'active') return member;
  await bumpMember(tx, organizationId, memberId, { status: 'active' });
  await recordEvent(tx, organizationId, actor, { action: 'member.reactivated', target: { type: 'member', id: memberId } });
  return getMember(tx, organizationId, memberId);
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
  assertVersion(member, options);
  await assertAnotherActiveAdmin(tx, member, action === 'member.left' ? 'leave the Organization' : `remove ${member.userName}`);
  const revoked = await revokeAccess(tx, member, action === 'member.left' ? 'member_left' : 'member_removed');
  const seatsReleased = await selectSeatsOf(tx, organizationId, memberId);
  const groups = await selectGroupIdsOfMember(tx, memberId);
  // Seat assignments, emails, Workspace and group memberships cascade with the row;
  // the seat pools' counters follow by trigger.
  await deleteMemberRow(tx, organizationId, memberId);
  await recordEvent(tx, organizationId, actor, {
    action,
    target: { type: 'member', id: memberId },
    data: { userName: member.userName, seatsReleased, groupsLeft: groups.length, ...revoked },
  });
}
