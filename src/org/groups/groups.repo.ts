import { isForeignKeyViolation } from '../../db/pg-errors.js';
import type { Tx } from '../../db/transaction.js';
import { insertAuditEventPer, type NewAuditEvent } from '../audit/audit.repo.js';
import type { Keyset, KeysetRow } from '../lists/keyset.js';
import type { Group } from './types.js';
import type { MemberStatus } from '../members/types.js';

export interface GroupRow {
  id: string;
  organization_id: string;
  display_name: string;
  external_id: string | null;
  managed_by: 'none' | 'scim';
  created_by_member_id: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function rowToGroup(row: GroupRow): Group {
  return {
    id: row.id,
    organizationId: row.organization_id,
    displayName: row.display_name,
    externalId: row.external_id,
    managedBy: row.managed_by,
    createdByMemberId: row.created_by_member_id,
    version: row.version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export async function selectGroup(tx: Tx, organizationId: string, id: string): Promise<Group | undefined> {
  const row = await tx<GroupRow>('groups').where({ organization_id: organizationId, id }).first();
  return row && rowToGroup(row);
}

/** Up to `limit` of the Organization's groups after `after`, by displayName (case-insensitively), then id. */
export async function selectGroupPage(tx: Tx, organizationId: string, limit: number, after?: Keyset): Promise<Array<KeysetRow<Group>>> {
  const query = tx('groups')
    .where('organization_id', organizationId)
    .select('*', tx.raw('lower(display_name) AS sort_key'))
    .orderByRaw('lower(display_name), id')
    .limit(limit);
  if (after) query.whereRaw('(lower(display_name), id) > (?, ?::uuid)', [after.key, after.id]);
  const rows = (await query) as Array<GroupRow & { sort_key: string }>;
  return rows.map((row) => ({ item: rowToGroup(row), keyset: { key: row.sort_key, id: row.id } }));
}

/** A member of a group as its member list shows them. */
export interface GroupMemberEntry {
  memberId: string;
  userName: string;
  displayName: string | null;
  status: MemberStatus;
}

/** Up to `limit` members of the group after `after`, by userName (case-insensitively), then id. */
export async function selectGroupMemberPage(
  tx: Tx,
  organizationId: string,
  groupId: string,
  limit: number,
  after?: Keyset,
): Promise<Array<KeysetRow<GroupMemberEntry>>> {
  const query = tx('group_members as gm')
    .join('members as m', (on) => on.on('m.id', 'gm.member_id').andOn('m.organization_id', 'gm.organization_id'))
    .where({ 'gm.organization_id': organizationId, 'gm.group_id': groupId })
    .select('m.id', 'm.user_name', 'm.display_name', 'm.status', tx.raw('lower(m.user_name) AS sort_key'))
    .orderByRaw('lower(m.user_name), m.id')
    .limit(limit);
  if (after) query.whereRaw('(lower(m.user_name), m.id) > (?, ?::uuid)', [after.key, after.id]);
  const rows = (await query) as Array<{ id: string; user_name: string; display_name: string | null; status: MemberStatus; sort_key: string }>;
  return rows.map((row) => ({
    item: { memberId: row.id, userName: row.user_name, displayName: row.display_name, status: row.status },
    keyset: { key: row.sort_key, id: row.id },
  }));
}

/** Locks the group row: membership changes of one group apply one after another. */
export async function lockGroup(tx: Tx, organizationId: string, id: string): Promise<Group | undefined> {
  const row = await tx<GroupRow>('groups').where({ organization_id: organizationId, id }).forUpdate().first();
  return row && rowToGroup(row);
}

/** A group's own fields a change may set; absent ones stay as they are. */
export interface GroupFieldChanges {
  displayName?: string;
  externalId?: string | null;
}

/** Writes the changed fields and the next version in one update. */
/** Moves the group to its next version (its membership or fields changed). */
export async function bumpGroup(tx: Tx, organizationId: string, id: string, changes: GroupFieldChanges = {}): Promise<Group | undefined> {
  const columns = {
    ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
    ...(changes.externalId !== undefined ? { external_id: changes.externalId } : {}),
  };
  const [row] = (await tx('groups')
    .where({ organization_id: organizationId, id })
    .update({ ...columns, version: tx.raw('version + 1'), updated_at: tx.fn.now() })
    .returning('*')) as GroupRow[];
  return row && rowToGroup(row);
}

export async function deleteGroupRow(tx: Tx, organizationId: string, id: string): Promise<void> {
  await tx('groups').where({ organization_id: organizationId, id }).delete();
}

/** A new group's own fields; its version and times are the database's. */
export type NewGroupRow = Pick<Group, 'id' | 'organizationId' | 'displayName' | 'externalId' | 'managedBy' | 'createdByMemberId'>;

/**
 * Creates a group, its first members and its event in one statement. Every one of
 * `memberIds` must be a member of the group's Organization: if one is not, nothing is
 * written and `group` is undefined. `members` are those of `memberIds` that are, each
 * with the name a directory shows, in id order.
 */
export async function insertGroupWithMembers(
  tx: Tx,
  group: NewGroupRow,
  memberIds: string[],
  event: NewAuditEvent,
): Promise<{ group: Group | undefined; members: Array<{ id: string; display: string }> }> {
  const rows = (await tx
    .with(
      'found',
      tx.raw('SELECT m.id, COALESCE(m.display_name, m.user_name) AS display FROM members m WHERE m.organization_id = ? AND m.id = ANY(?::uuid[])', [
        group.organizationId,
        memberIds,
      ]),
    )
    .with(
      'created',
      tx.raw(
        `INSERT INTO groups (id, organization_id, display_name, external_id, managed_by, created_by_member_id)
         SELECT ?, ?, ?, ?, ?, ? WHERE (SELECT count(*) FROM found) = ? RETURNING *`,
        [group.id, group.organizationId, group.displayName, group.externalId, group.managedBy, group.createdByMemberId, memberIds.length],
      ),
    )
    .with(
      'added',
      tx.raw(
        'INSERT INTO group_members (group_id, member_id, organization_id) SELECT created.id, found.id, created.organization_id FROM created CROSS JOIN found',
      ),
    )
    .with('logged', insertAuditEventPer(tx, 'created', event))
    .select(
      'created.*',
      tx.raw(
        `COALESCE((SELECT jsonb_agg(jsonb_build_object('id', found.id, 'display', found.display) ORDER BY found.id) FROM found), '[]'::jsonb) AS found_members`,
      ),
    )
    .from(tx.raw('(SELECT 1) AS one'))
    .joinRaw('LEFT JOIN created ON TRUE')) as Array<GroupRow & { found_members: Array<{ id: string; display: string }> }>;
  const row = rows[0]!;
  return { group: row.id ? rowToGroup(row) : undefined, members: row.found_members };
}

/** Whether a group's insert failed because its Organization does not exist. */
export function isUnknownOrganizationViolation(error: unknown): boolean {
  return isForeignKeyViolation(error, 'groups_organization_id_foreign');
}

/**
 * Adds members in one statement; members already in the group are skipped.
 * Time grows with the members in the request, not with the group's size.
 */
export async function insertGroupMembers(tx: Tx, organizationId: string, groupId: string, memberIds: string[]): Promise<string[]> {
  if (memberIds.length === 0) return [];
  // One array parameter, whatever the number of members: no statement grows past the protocol's bind limit.
  const result = await tx.raw(
    `INSERT INTO group_members (group_id, member_id, organization_id)
     SELECT ?, id, ? FROM unnest(?::uuid[]) AS id
     ON CONFLICT (group_id, member_id) DO NOTHING RETURNING member_id`,
    [groupId, organizationId, memberIds],
  );
  return (result.rows as Array<{ member_id: string }>).map((row) => row.member_id);
}

export async function deleteGroupMembers(tx: Tx, groupId: string, memberIds: string[]): Promise<string[]> {
  if (memberIds.length === 0) return [];
  const result = await tx.raw('DELETE FROM group_members WHERE group_id = ? AND member_id = ANY(?::uuid[]) RETURNING member_id', [groupId, memberIds]);
  return (result.rows as Array<{ member_id: string }>).map((row) => row.member_id);
}

export async function deleteAllGroupMembersExcept(tx: Tx, groupId: string, keep: string[]): Promise<string[]> {
  const result = await tx.raw('DELETE FROM group_members WHERE group_id = ? AND NOT (member_id = ANY(?::uuid[])) RETURNING member_id', [groupId, keep]);
  return (result.rows as Array<{ member_id: string }>).map((row) => row.member_id);
}

/** One member in or out of a group, as `changeOneGroupMember` applies it. */
export interface OneMembershipChange {
  kind: 'add' | 'remove';
  memberId: string;
}

export interface OneMembershipGuard {
  /** Change the group only at one of these versions (an If-Match precondition). */
  versions?: readonly number[];
  /** Change it only if it is not managed by SCIM (the actor is not the IdP). */
  unmanagedOnly: boolean;
  /** The change's event, written in the same statement when the membership changed. */
  event: NewAuditEvent;
}

/**
 * Adds a member to the group, or removes one, in one statement: the group row is
 * locked first (membership changes of a group still apply one after another), then
 * the membership written, then, only if it changed, the group's next version and the
 * event. An add takes only a member of the group's Organization. Answers the group as
 * it is now and whether the membership changed; undefined, with nothing written, when
 * the statement found no group to change (unknown, not at one of `versions`, or
 * managed by SCIM while `unmanagedOnly`), on an add no such member, and on a removal
 * a group changed by another request while this one waited for its lock.
 */
export async function changeOneGroupMember(
  tx: Tx,
  organizationId: string,
  groupId: string,
  change: OneMembershipChange,
  { versions, unmanagedOnly, event }: OneMembershipGuard,
): Promise<{ group: Group; changed: boolean } | undefined> {
  const target = tx('groups').where({ organization_id: organizationId, id: groupId }).select('*').forUpdate();
  if (versions !== undefined) target.whereIn('version', [...versions]);
  if (unmanagedOnly) target.whereNot('managed_by', 'scim');
  let query = tx.with('target', target);
  if (change.kind === 'add') {
    query = query.with('member', tx.raw('SELECT id FROM members WHERE organization_id = ? AND id = ?', [organizationId, change.memberId])).with(
      'delta',
      tx.raw(
        `INSERT INTO group_members (group_id, member_id, organization_id) SELECT target.id, member.id, target.organization_id FROM target, member
           ON CONFLICT (group_id, member_id) DO NOTHING RETURNING member_id`,
      ),
    );
  } else {
    // The delete sees the memberships as of the statement's start. A change that held the
    // group's lock meanwhile (and so moved its version) may have added the member since:
    // then nothing is written, for the caller to remove it on a locked path.
    query = query.with('seen', tx.raw('SELECT version FROM groups WHERE organization_id = ? AND id = ?', [organizationId, groupId])).with(
      'delta',
      tx.raw(
        `DELETE FROM group_members WHERE group_id = (SELECT id FROM target) AND member_id = ?
           AND (SELECT version FROM target) = (SELECT version FROM seen) RETURNING member_id`,
        [change.memberId],
      ),
    );
  }
  query = query
    .with(
      'bumped',
      tx.raw(
        'UPDATE groups SET version = version + 1, updated_at = now() WHERE organization_id = ? AND id = ? AND EXISTS (SELECT 1 FROM delta) RETURNING version, updated_at',
        [organizationId, groupId],
      ),
    )
    .with('logged', insertAuditEventPer(tx, 'bumped', event));
  const [row] = (await query
    .select(
      'target.*',
      tx.raw(change.kind === 'add' ? 'EXISTS (SELECT 1 FROM member) AS applicable' : 'target.version = (SELECT version FROM seen) AS applicable'),
      'bumped.version AS bumped_version',
      'bumped.updated_at AS bumped_updated_at',
    )
    .from('target')
    .leftJoin('bumped', tx.raw('TRUE'))) as Array<GroupRow & { applicable: boolean; bumped_version: number | null; bumped_updated_at: Date | null }>;
  if (!row || !row.applicable) return undefined;
  const changed = row.bumped_version !== null;
  return {
    group: rowToGroup({ ...row, ...(changed ? { version: row.bumped_version!, updated_at: row.bumped_updated_at! } : {}) }),
    changed,
  };
}

export async function selectGroupMemberIds(tx: Tx, groupId: string): Promise<string[]> {
  const rows = (await tx('group_members').where('group_id', groupId).orderBy('member_id').select('member_id')) as Array<{ member_id: string }>;
  return rows.map((row) => row.member_id);
}

export async function selectGroupIdsOfMember(tx: Tx, memberId: string): Promise<string[]> {
  const rows = (await tx('group_members').where('member_id', memberId).orderBy('group_id').select('group_id')) as Array<{ group_id: string }>;
  return rows.map((row) => row.group_id);
}
