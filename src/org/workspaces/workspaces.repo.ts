import type { Knex } from 'knex';
import type { Tx } from '../../db/transaction.js';
import type { Keyset, KeysetRow } from '../lists/keyset.js';
import type { EffectiveAccess, Workspace, WorkspaceMembership, WorkspaceRole } from './types.js';
import type { MemberStatus } from '../members/types.js';

interface WorkspaceRow {
  id: string;
  organization_id: string;
  name: string;
  is_default: boolean;
  created_by_member_id: string | null;
  created_at: Date;
  updated_at: Date;
}

function rowToWorkspace(row: WorkspaceRow): Workspace {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    isDefault: row.is_default,
    createdByMemberId: row.created_by_member_id,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export async function insertWorkspace(
  tx: Tx,
  workspace: { id: string; organizationId: string; name: string; isDefault: boolean; createdByMemberId: string | null },
): Promise<Workspace> {
  const [row] = (await tx('workspaces')
    .insert({
      id: workspace.id,
      organization_id: workspace.organizationId,
      name: workspace.name,
      is_default: workspace.isDefault,
      created_by_member_id: workspace.createdByMemberId,
    })
    .returning('*')) as WorkspaceRow[];
  return rowToWorkspace(row!);
}

export async function selectWorkspace(tx: Tx, organizationId: string, id: string): Promise<Workspace | undefined> {
  const row = await tx<WorkspaceRow>('workspaces').where({ organization_id: organizationId, id }).first();
  return row && rowToWorkspace(row);
}

export async function selectWorkspaces(tx: Tx, organizationId: string): Promise<Workspace[]> {
  const rows = await tx<WorkspaceRow>('workspaces').where({ organization_id: organizationId }).orderBy('created_at').orderBy('id');
  return rows.map(rowToWorkspace);
}

/** The Workspaces the member reaches: a direct membership or a grant to one of their groups. */
export async function selectWorkspacesReachableBy(tx: Tx, organizationId: string, memberId: string): Promise<Workspace[]> {
  const rows = (await tx('workspaces as w')
    .where('w.organization_id', organizationId)
    .where((reach) =>
      reach
        .whereExists((direct) => direct.select(tx.raw('1')).from('workspace_members as wm').whereRaw('wm.workspace_id = w.id').where('wm.member_id', memberId))
        .orWhereExists((granted) =>
          granted
            .select(tx.raw('1'))
            .from('group_workspace_grants as g')
            .join('group_members as gm', 'gm.group_id', 'g.group_id')
            .whereRaw('g.workspace_id = w.id')
            .where('gm.member_id', memberId),
        ),
    )
    .orderBy('w.created_at')
    .orderBy('w.id')
    .select('w.*')) as WorkspaceRow[];
  return rows.map(rowToWorkspace);
}

export async function updateWorkspaceName(tx: Tx, organizationId: string, id: string, name: string): Promise<Workspace | undefined> {
  const [row] = (await tx('workspaces')
    .where({ organization_id: organizationId, id })
    .update({ name, updated_at: tx.fn.now() })
    .returning('*')) as WorkspaceRow[];
  return row && rowToWorkspace(row);
}

export async function deleteWorkspaceRow(tx: Tx, organizationId: string, id: string): Promise<void> {
  await tx('workspaces').where({ organization_id: organizationId, id }).delete();
}

/** Adds or updates a direct membership; returns the previous role (null when new). */
export async function upsertWorkspaceMember(
  tx: Tx,
  organizationId: string,
  workspaceId: string,
  memberId: string,
  role: WorkspaceRole,
): Promise<WorkspaceRole | null> {
  const previous = (await tx('workspace_members').where({ workspace_id: workspaceId, member_id: memberId }).forUpdate().first('role')) as
    { role: WorkspaceRole } | undefined;
  await tx('workspace_members')
    .insert({ workspace_id: workspaceId, member_id: memberId, organization_id: organizationId, role })
    .onConflict(['workspace_id', 'member_id'])
    .merge({ role });
  return previous?.role ?? null;
}

export async function deleteWorkspaceMember(tx: Tx, workspaceId: string, memberId: string): Promise<boolean> {
  return (await tx('workspace_members').where({ workspace_id: workspaceId, member_id: memberId }).delete().returning('member_id')).length > 0;
}

export async function selectWorkspaceMembers(tx: Tx, organizationId: string, workspaceId: string): Promise<WorkspaceMembership[]> {
  const rows = (await tx('workspace_members')
    .where({ organization_id: organizationId, workspace_id: workspaceId })
    .orderBy('member_id')
    .select('workspace_id', 'member_id', 'role')) as Array<{ workspace_id: string; member_id: string; role: WorkspaceRole }>;
  return rows.map((row) => ({ workspaceId: row.workspace_id, memberId: row.member_id, role: row.role }));
}

/** A direct member of a Workspace as its member list shows them. */
export interface WorkspaceMemberEntry {
  memberId: string;
  userName: string;
  displayName: string | null;
  status: MemberStatus;
  role: WorkspaceRole;
}

/**
 * Up to `limit` direct members of the Workspace after `after`, ordered by
 * userName (case-insensitively), then id; the sort key is read from SQL so
 * that the next page compares exactly what PostgreSQL ordered.
 */
export async function selectWorkspaceMemberPage(
  tx: Tx,
  organizationId: string,
  workspaceId: string,
  limit: number,
  after?: Keyset,
): Promise<Array<KeysetRow<WorkspaceMemberEntry>>> {
  const query = tx('workspace_members as wm')
    .join('members as m', (on) => on.on('m.id', 'wm.member_id').andOn('m.organization_id', 'wm.organization_id'))
    .where({ 'wm.organization_id': organizationId, 'wm.workspace_id': workspaceId })
    .select('m.id', 'm.user_name', 'm.display_name', 'm.status', 'wm.role', tx.raw('lower(m.user_name) AS sort_key'))
    .orderByRaw('lower(m.user_name), m.id')
    .limit(limit);
  if (after) query.whereRaw('(lower(m.user_name), m.id) > (?, ?::uuid)', [after.key, after.id]);
  const rows = (await query) as Array<{
    id: string;
    user_name: string;
    display_name: string | null;
    status: MemberStatus;
    role: WorkspaceRole;
    sort_key: string;
  }>;
  return rows.map((row) => ({
    item: { memberId: row.id, userName: row.user_name, displayName: row.display_name, status: row.status, role: row.role },
    keyset: { key: row.sort_key, id: row.id },
  }));
}

/** A group's grant in a Workspace as that Workspace's list shows it. */
export interface WorkspaceGrantEntry {
  groupId: string;
  displayName: string;
  managedBy: 'none' | 'scim';
  role: WorkspaceRole;
}

/** Up to `limit` of the groups granting a role in the Workspace after `after`, by displayName (case-insensitively), then id. */
export async function selectWorkspaceGrantPage(
  tx: Tx,
  organizationId: string,
  workspaceId: string,
  limit: number,
  after?: Keyset,
): Promise<Array<KeysetRow<WorkspaceGrantEntry>>> {
  const query = tx('group_workspace_grants as gr')
    .join('groups as g', (on) => on.on('g.id', 'gr.group_id').andOn('g.organization_id', 'gr.organization_id'))
    .where({ 'gr.organization_id': organizationId, 'gr.workspace_id': workspaceId })
    .select('g.id', 'g.display_name', 'g.managed_by', 'gr.role', tx.raw('lower(g.display_name) AS sort_key'))
    .orderByRaw('lower(g.display_name), g.id')
    .limit(limit);
  if (after) query.whereRaw('(lower(g.display_name), g.id) > (?, ?::uuid)', [after.key, after.id]);
  const rows = (await query) as Array<{ id: string; display_name: string; managed_by: 'none' | 'scim'; role: WorkspaceRole; sort_key: string }>;
  return rows.map((row) => ({
    item: { groupId: row.id, displayName: row.display_name, managedBy: row.managed_by, role: row.role },
    keyset: { key: row.sort_key, id: row.id },
  }));
}

/**
 * A member's access: direct memberships and their groups' grants, Workspace by
 * Workspace. The strongest role wins (admin over contributor).
 */
export async function selectEffectiveAccess(tx: Tx, organizationId: string, memberId: string): Promise<EffectiveAccess[]> {
  const rows = (await tx.raw(
    `SELECT workspace_id, role, NULL::uuid AS group_id
       FROM workspace_members WHERE organization_id = ? AND member_id = ?
     UNION ALL
     SELECT g.workspace_id, g.role, g.group_id
       FROM group_members gm JOIN group_workspace_grants g ON g.group_id = gm.group_id
      WHERE gm.organization_id = ? AND gm.member_id = ?
     ORDER BY workspace_id, group_id NULLS FIRST`,
    [organizationId, memberId, organizationId, memberId],
  )) as { rows: Array<{ workspace_id: string; role: WorkspaceRole; group_id: string | null }> };
  const byWorkspace = new Map<string, EffectiveAccess>();
  for (const row of rows.rows) {
    const access = byWorkspace.get(row.workspace_id) ?? { workspaceId: row.workspace_id, role: row.role, direct: null, viaGroups: [] };
    if (row.group_id === null) access.direct = row.role;
    else access.viaGroups.push({ groupId: row.group_id, role: row.role });
    if (row.role === 'admin') access.role = 'admin';
    byWorkspace.set(row.workspace_id, access);
  }
  return [...byWorkspace.values()];
}

/**
 * Puts the members a CTE named `source` inserted into their Organization's default
 * Workspace, as a step of the same statement. An Organization without a default
 * Workspace makes the whole statement fail (workspace_id is NOT NULL), so no member
 * is ever left outside it.
 */
export function intoDefaultWorkspaceStep(tx: Tx, source: string, role: WorkspaceRole): Knex.Raw {
  return tx.raw(
    `INSERT INTO workspace_members (workspace_id, member_id, organization_id, role)
     SELECT (SELECT w.id FROM workspaces w WHERE w.organization_id = s.organization_id AND w.is_default), s.id, s.organization_id, ?
       FROM ${source} s`,
    [role],
  );
}
