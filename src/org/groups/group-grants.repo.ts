import type { Tx } from '../../db/transaction.js';
import type { WorkspaceRole } from '../workspaces/types.js';
import type { GroupGrant } from './types.js';

/** The Workspace roles groups grant (group_workspace_grants). */

/** Adds or changes a grant; returns the previous role (null when new). */
export async function upsertGroupGrant(tx: Tx, organizationId: string, grant: GroupGrant): Promise<WorkspaceRole | null> {
  const previous = (await tx('group_workspace_grants').where({ group_id: grant.groupId, workspace_id: grant.workspaceId }).forUpdate().first('role')) as
    { role: WorkspaceRole } | undefined;
  await tx('group_workspace_grants')
    .insert({ group_id: grant.groupId, workspace_id: grant.workspaceId, organization_id: organizationId, role: grant.role })
    .onConflict(['group_id', 'workspace_id'])
    .merge({ role: grant.role });
  return previous?.role ?? null;
}

export async function deleteGroupGrant(tx: Tx, groupId: string, workspaceId: string): Promise<boolean> {
  return (await tx('group_workspace_grants').where({ group_id: groupId, workspace_id: workspaceId }).delete().returning('group_id')).length > 0;
}

export async function selectGroupGrants(tx: Tx, groupId: string): Promise<GroupGrant[]> {
  const rows = (await tx('group_workspace_grants').where('group_id', groupId).orderBy('workspace_id')) as Array<{
    group_id: string;
    workspace_id: string;
    role: WorkspaceRole;
  }>;
  return rows.map((row) => ({ groupId: row.group_id, workspaceId: row.workspace_id, role: row.role }));
}
