import type { Tx } from '../db/transaction.js';
import { ExternallyManagedError, LastAdminError } from '../errors.js';
import { recordEvent } from './audit.service.js';
import { assertVersion, type ExpectedVersion } from './versions.js';
import { revokeAccessAndSeatsOf } from './credentials.repo.js';
import { countActiveAdminsOtherThan, updateMemberProfile } from './members.repo.js';
import { getMember, lockExistingMember } from './members.service.js';
import { lockOrganization } from './organizations.repo.js';
import { normaliseProfileChanges, profileDifferences, protectedFields } from './profile.js';
import { deleteSeatAssignment, selectSeatsOf } from './seats.repo.js';
import { takeSeats } from './seats.service.js';
import type { Actor, Member, OrganizationRole, ProfileChanges } from './types.js';
import { requireOrganizationRole, requireProduct } from './validation.js';

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

export interface ChangeOptions {
  /** Refuse unless the member is still at this version (If-Match). */
  ifVersion?: ExpectedVersion;
  /** The member as the caller read it under a row lock in this transaction; saves reading it again. */
  locked?: Member;
}

export async function changeMember(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  memberId: string,
  changes: MemberChanges,
  options: ChangeOptions = {},
): Promise<Member> {
  const member = options.locked?.id === memberId ? options.locked : await lockExistingMember(tx, organizationId, memberId);
  assertVersion('member', member.version, options.ifVersion);

  const profile = normaliseProfileChanges(changes.profile ?? {});
  const fields = profileDifferences(member, profile);
  assertMayChangeProfile(member, actor, fields);

  const role = changes.role === undefined ? member.role : requireOrganizationRole(changes.role);
  const status = changes.active === undefined ? member.status : changes.active ? 'active' : 'suspended';
  const losesAdmin = member.role === 'admin' && member.status === 'active' && (role !== 'admin' || status !== 'active');
  if (losesAdmin) await assertAnotherActiveAdmin(tx, member, status !== 'active' ? 'suspend' : 'change the role of');

  const event: Record<string, unknown> = {};
  if (fields.length > 0) event.fields = fields;
  if (role !== member.role) event.role = { from: member.role, to: role };
  if (status !== member.status) event.status = { from: member.status, to: status };

  if (status === 'suspended' && member.status === 'active') {
    // Invariant 5: access ends at once and seats go back to their pools.
    const revoked = await revokeAccessAndSeatsOf(tx, organizationId, memberId, 'member_suspended');
    event.sessionsRevoked = revoked.sessionsRevoked;
    event.apiKeysRevoked = revoked.apiKeysRevoked;
    if (revoked.seatsReleased.length > 0) event.seatsReleased = revoked.seatsReleased;
  } else if (status === 'active' && changes.seats !== undefined) {
    await applySeats(tx, organizationId, memberId, changes.seats, event);
  }

  if (Object.keys(event).length === 0) return member;
  const columns = { ...(role !== member.role ? { role } : {}), ...(status !== member.status ? { status } : {}) };
  await updateMemberProfile(tx, organizationId, memberId, fields.length > 0 ? profile : {}, columns);
  await recordEvent(tx, organizationId, actor, { action: actionFor(event), target: { type: 'member', id: memberId }, data: event });
  return getMember(tx, organizationId, memberId);
}

/** Invariant 4: only the managing IdP changes a managed member's name, userName and emails. */
function assertMayChangeProfile(member: Member, actor: Actor, fields: string[]): void {
  if (member.managedBy === 'none') return;
  const managedByActor = (member.managedBy === 'scim' && actor.type === 'scim_token') || (member.managedBy === 'sso' && actor.type === 'sso');
  const guarded = fields.filter((field) => protectedFields.has(field.split('.')[0]!));
  if (!managedByActor && guarded.length > 0) throw new ExternallyManagedError(member.managedBy, guarded);
}

/** Invariant 1, with the same lock order as the other member services: member, then Organization. */
async function assertAnotherActiveAdmin(tx: Tx, member: Member, verb: string): Promise<void> {
  await lockOrganization(tx, member.organizationId);
  if ((await countActiveAdminsOtherThan(tx, member.organizationId, member.id)) === 0) throw new LastAdminError(`${verb} ${member.userName}`);
}

async function applySeats(tx: Tx, organizationId: string, memberId: string, wanted: string[], event: Record<string, unknown>): Promise<void> {
  const target = new Set(wanted.map(requireProduct));
  const held = await selectSeatsOf(tx, organizationId, memberId);
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
