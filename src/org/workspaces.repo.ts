import type { Knex } from 'knex';
import type { Tx } from '../db/transaction.js';
import type { EffectiveAccess, Workspace, WorkspaceMembership, WorkspaceRole } from './types.js';

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

export async function selectDefaultWorkspace(tx: Tx, organizationId: string): Promise<Workspace | undefined> {
  const row = await tx<WorkspaceRow>('workspaces').where({ organization_id: organizationId, is_default: true }).first();
  return row && rowToWorkspace(row);
}

export async function selectWorkspaces(tx: Tx, organizationId: string): Promise<Workspace[]> {
  const rows = await tx<WorkspaceRow>('workspaces').where({ organization_id: organizationId }).orderBy('created_at').orderBy('id');
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
    | { role: WorkspaceRole }
    | undefined;
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
