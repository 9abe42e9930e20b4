import { isId, newId } from '../../db/ids.js';
import type { Tx } from '../../db/transaction.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.js';
import { auditEvent, recordEvent } from '../audit/audit.service.js';
import { requireKeysetQuery, toKeysetPage, type KeysetQuery } from '../lists/keyset.js';
import type { GroupEntry } from '../lists/group-directory.repo.js';
import type { Page } from '../lists/page.js';
import { acceptedVersions, assertVersion, type ExpectedVersion } from '../organizations/versions.js';
import {
  bumpGroup,
  changeOneGroupMember,
  deleteAllGroupMembersExcept,
  deleteGroupMembers,
  deleteGroupRow,
  insertGroupMembers,
  insertGroupWithMembers,
  isUnknownOrganizationViolation,
  lockGroup,
  selectGroup,
  selectGroupMemberIds,
  selectGroupMemberPage,
  selectGroupPage,
  type GroupFieldChanges,
  type GroupMemberEntry,
  type OneMembershipChange,
} from './groups.repo.js';
import { selectExistingMemberIds } from '../members/members.repo.js';
import { selectOrganization } from '../organizations/organizations.repo.js';
import type { Actor } from '../organizations/types.js';
import type { Group } from './types.js';
import { requireText } from '../organizations/validation.js';

export type { GroupMemberEntry } from './groups.repo.js';

/**
 * Groups: SCIM-pushed or admin-made sets of members. A group's Workspace grants
 * are held by each of its members for as long as they are in it. Membership
 * changes run as SQL deltas: their cost follows the request, not the group.
 */

export interface NewGroup {
  displayName: string;
  externalId?: string | null;
  managedBy?: 'none' | 'scim';
  memberIds?: string[];
}

export async function getGroup(tx: Tx, organizationId: string, groupId: string): Promise<Group> {
  const group = isId(groupId) ? await selectGroup(tx, organizationId, groupId) : undefined;
  if (!group) throw new NotFoundError('group', groupId);
  return group;
}

export async function lockExistingGroup(tx: Tx, organizationId: string, groupId: string): Promise<Group> {
  const group = isId(groupId) ? await lockGroup(tx, organizationId, groupId) : undefined;
  if (!group) throw new NotFoundError('group', groupId);
  return group;
}

/** A SCIM-pushed group's name and members belong to the IdP; admins may still set its grants. */
/** Only the IdP, through its SCIM token, changes a SCIM-pushed group's name and members; the groups it creates are SCIM's. */
function actsForIdp(actor: Actor): boolean {
  return actor.type === 'scim_token';
}

function assertMayEdit(group: Group, actor: Actor): void {
  if (group.managedBy === 'scim' && !actsForIdp(actor)) {
    throw new ConflictError(
      'externally_managed',
      `Group "${group.displayName}" is managed by SCIM provisioning from your identity provider; change its name and members there.`,
      { managedBy: 'scim' },
    );
  }
}

/** Checks that every id names a member of this Organization; unknown ids are refused, together. */
async function requireMembers(tx: Tx, organizationId: string, memberIds: string[]): Promise<string[]> {
  const unique = [...new Set(memberIds)];
  const malformed = unique.filter((id) => !isId(id));
  const existing = await selectExistingMemberIds(tx, organizationId, unique.filter(isId));
  const missing = [...malformed, ...unique.filter((id) => isId(id) && !existing.has(id))];
  if (missing.length > 0) throw unknownMembers(missing);
  return unique;
}

function unknownMembers(missing: string[]): InvalidInputError {
  return new InvalidInputError(
    'unknown_members',
    `No member with id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} in this Organization`,
    {
      memberIds: missing,
    },
  );
}

export async function pageGroups(tx: Tx, organizationId: string, query: KeysetQuery): Promise<Page<Group>> {
  const { limit, after } = requireKeysetQuery(query);
  return toKeysetPage(await selectGroupPage(tx, organizationId, limit + 1, after), limit);
}

/** A page of the group's members, by userName. */
export async function pageGroupMembers(tx: Tx, organizationId: string, groupId: string, query: KeysetQuery): Promise<Page<GroupMemberEntry>> {
  const { limit, after } = requireKeysetQuery(query);
  await getGroup(tx, organizationId, groupId);
  return toKeysetPage(await selectGroupMemberPage(tx, organizationId, groupId, limit + 1, after), limit);
}

/**
 * Creates a group with its first members (all of them the Organization's, or nothing is
 * created), in one statement with its event. Answers the group with its members.
 */
export async function createGroup(tx: Tx, actor: Actor, organizationId: string, input: NewGroup): Promise<GroupEntry> {
  const displayName = requireText('displayName', input.displayName, 256);
  if (!isId(organizationId)) throw new NotFoundError('organization', organizationId);
  const memberIds = [...new Set(input.memberIds ?? [])];
  // A malformed id names nobody: refused, with any unknown ones, before anything is written.
  if (!memberIds.every(isId)) await requireMembers(tx, organizationId, memberIds);
  const id = newId();
  const managedBy = input.managedBy ?? (actsForIdp(actor) ? 'scim' : 'none');
  const event = auditEvent(organizationId, actor, { action: 'group.created', target: { type: 'group', id }, data: { displayName, managedBy, memberIds } });
  const row = {
    id,
    organizationId,
    displayName,
    externalId: input.externalId ?? null,
    managedBy,
    createdByMemberId: actor.type === 'member' ? actor.id : null,
  };
  const created = await insertGroupWithMembers(tx, row, memberIds, event).catch((error: unknown) => {
    throw isUnknownOrganizationViolation(error) ? new NotFoundError('organization', organizationId) : error;
  });
  if (created.group) return { ...created.group, members: created.members };
  // Nothing was written: a member named is not the Organization's (or there is no such Organization).
  if (!(await selectOrganization(tx, organizationId))) throw new NotFoundError('organization', organizationId);
  const found = new Set(created.members.map((member) => member.id));
  throw unknownMembers(memberIds.filter((memberId) => !found.has(memberId)));
}

export async function updateGroup(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  groupId: string,
  fields: { displayName?: string; externalId?: string | null },
): Promise<Group> {
  const steps: GroupStep[] = [
    ...(fields.displayName !== undefined ? [{ rename: fields.displayName }] : []),
    ...(fields.externalId !== undefined ? [{ externalId: fields.externalId }] : []),
  ];
  return (await changeGroup(tx, actor, organizationId, groupId, steps)).group;
}

export async function deleteGroup(tx: Tx, actor: Actor, organizationId: string, groupId: string, options: { ifVersion?: ExpectedVersion } = {}): Promise<void> {
  const group = await lockExistingGroup(tx, organizationId, groupId);
  assertVersion('group', group.version, options.ifVersion);
  assertMayEdit(group, actor);
  await deleteGroupRow(tx, organizationId, groupId);
  await recordEvent(tx, organizationId, actor, { action: 'group.deleted', target: { type: 'group', id: groupId }, data: { displayName: group.displayName } });
}

/** Adds members; those already in the group are skipped, never duplicated. Returns the ids added. */
export async function addGroupMembers(tx: Tx, actor: Actor, organizationId: string, groupId: string, memberIds: string[]): Promise<string[]> {
  return (await changeGroup(tx, actor, organizationId, groupId, [{ addMembers: memberIds }])).added;
}

/** Removes members; ids that are not in the group are ignored. Returns the ids removed. */
export async function removeGroupMembers(tx: Tx, actor: Actor, organizationId: string, groupId: string, memberIds: string[]): Promise<string[]> {
  return (await changeGroup(tx, actor, organizationId, groupId, [{ removeMembers: memberIds }])).removed;
}

/** Removes one member from the group; a member who is not in it is not found. */
export async function removeGroupMember(tx: Tx, actor: Actor, organizationId: string, groupId: string, memberId: string): Promise<void> {
  const { removed } = await changeGroup(tx, actor, organizationId, groupId, [{ removeMembers: [memberId] }]);
  if (removed.length === 0) throw new NotFoundError('group_member', memberId);
}

/** Makes the group's members exactly `memberIds`. */
export async function replaceGroupMembers(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  groupId: string,
  memberIds: string[],
): Promise<{ added: string[]; removed: string[] }> {
  const { added, removed } = await changeGroup(tx, actor, organizationId, groupId, [{ replaceMembers: memberIds }]);
  return { added, removed };
}

export async function listGroupMemberIds(tx: Tx, organizationId: string, groupId: string): Promise<string[]> {
  await getGroup(tx, organizationId, groupId);
  return selectGroupMemberIds(tx, groupId);
}

/** One step of a group change, in the order the IdP sent it (RFC 7644 §3.5.2: operations apply in sequence). */
export type GroupStep =
  | { rename: string }
  | { externalId: string | null }
  | { addMembers: string[] }
  | { removeMembers: string[] }
  /** Makes the members exactly these; an empty list empties the group. */
  | { replaceMembers: string[] };

/**
 * The one member a change adds or removes, when that is all it does (an IdP's
 * usual group PATCH): `changeOneMembership` can apply it in one statement.
 */
export function oneMembershipChange(steps: GroupStep[]): OneMembershipChange | undefined {
  if (steps.length !== 1) return undefined;
  const step = steps[0]!;
  const ids = 'addMembers' in step ? step.addMembers : 'removeMembers' in step ? step.removeMembers : [];
  const unique = [...new Set(ids)];
  if (unique.length !== 1 || !isId(unique[0]!)) return undefined;
  return { kind: 'addMembers' in step ? 'add' : 'remove', memberId: unique[0]! };
}

/**
 * What `changeGroup` does with one member added or removed, as one statement
 * (the group's row lock, the membership, the new version and the event together).
 * Undefined, with nothing written, when the group was not there to change that way
 * (unknown, at another version than `ifVersion`, SCIM-managed and the actor not the
 * IdP, or, for a removal, changed by another request meanwhile) or the member to add
 * is not in its Organization: the caller then runs `changeGroup`, which applies the
 * change under the group's lock or says what stood in the way.
 */
export async function changeOneMembership(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  groupId: string,
  change: OneMembershipChange,
  options: { ifVersion?: ExpectedVersion } = {},
): Promise<Group | undefined> {
  if (!isId(groupId) || !isId(organizationId)) return undefined;
  const { ifVersion } = options;
  const event = auditEvent(organizationId, actor, {
    action: 'group.updated',
    target: { type: 'group', id: groupId },
    data: change.kind === 'add' ? { membersAdded: [change.memberId] } : { membersRemoved: [change.memberId] },
  });
  const changed = await changeOneGroupMember(tx, organizationId, groupId, change, {
    ...(ifVersion === undefined ? {} : { versions: acceptedVersions(ifVersion) }),
    unmanagedOnly: !actsForIdp(actor),
    event,
  });
  return changed?.group;
}

/**
 * Applies a SCIM PUT or PATCH to a group under one lock, as SQL deltas whose
 * cost follows the request, and writes one new version and one audit event.
 * Adding a member already in the group or removing one who is not is a no-op.
 * Every group change, from SCIM or an admin, goes through here.
 */
export async function changeGroup(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  groupId: string,
  steps: GroupStep[],
  options: { ifVersion?: ExpectedVersion } = {},
): Promise<{ group: Group; added: string[]; removed: string[] }> {
  const group = await lockExistingGroup(tx, organizationId, groupId);
  assertVersion('group', group.version, options.ifVersion);
  assertMayEdit(group, actor);
  const changes: GroupFieldChanges = {};
  const added = new Set<string>();
  const removed = new Set<string>();
  const noteAdded = (ids: string[]) => ids.forEach((id) => (removed.has(id) ? removed.delete(id) : added.add(id)));
  const noteRemoved = (ids: string[]) => ids.forEach((id) => (added.has(id) ? added.delete(id) : removed.add(id)));
  for (const step of steps) {
    if ('rename' in step) {
      const displayName = requireText('displayName', step.rename, 256);
      if (displayName !== (changes.displayName ?? group.displayName)) changes.displayName = displayName;
    } else if ('externalId' in step) {
      changes.externalId = step.externalId;
    } else if ('addMembers' in step) {
      noteAdded(await insertGroupMembers(tx, organizationId, groupId, await requireMembers(tx, organizationId, step.addMembers)));
    } else if ('removeMembers' in step) {
      noteRemoved(await deleteGroupMembers(tx, groupId, [...new Set(step.removeMembers.filter(isId))]));
    } else {
      const ids = await requireMembers(tx, organizationId, step.replaceMembers);
      noteRemoved(await deleteAllGroupMembersExcept(tx, groupId, ids));
      noteAdded(await insertGroupMembers(tx, organizationId, groupId, ids));
    }
  }
  if (changes.externalId === group.externalId) delete changes.externalId;
  if (Object.keys(changes).length === 0 && added.size === 0 && removed.size === 0) return { group, added: [], removed: [] };
  const updated = (await bumpGroup(tx, organizationId, groupId, changes))!;
  await recordEvent(tx, organizationId, actor, {
    action: 'group.updated',
    target: { type: 'group', id: groupId },
    data: {
      ...(changes.displayName !== undefined ? { displayName: { from: group.displayName, to: changes.displayName } } : {}),
      ...(changes.externalId !== undefined ? { externalIdChanged: true } : {}),
      ...(added.size > 0 ? { membersAdded: [...added] } : {}),
      ...(removed.size > 0 ? { membersRemoved: [...removed] } : {}),
    },
  });
  return { group: updated, added: [...added], removed: [...removed] };
}
