import { isId } from '../../db/ids.js';
import type { Tx } from '../../db/transaction.js';
import { NotFoundError } from '../../errors.js';
import { recordEvent } from '../audit/audit.service.js';
import type { Actor } from '../organizations/types.js';
import { requireWorkspaceRole } from '../organizations/validation.js';
import type { WorkspaceRole } from '../workspaces/types.js';
import { getWorkspace } from '../workspaces/workspaces.service.js';
import { deleteGroupGrant, selectGroupGrants, upsertGroupGrant } from './group-grants.repo.js';
import { getGroup, lockExistingGroup } from './groups.service.js';
import type { GroupGrant } from './types.js';

/** The Workspace roles a group grants its members. */

/**
 * Grants the group a role in a Workspace (or changes the role it has there);
 * every member of the group holds it from now on. Allowed on SCIM-pushed groups
 * too: the IdP owns their name and members, Roster owns their access.
 */
export async function grantGroupRole(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  groupId: string,
  workspaceId: string,
  role: WorkspaceRole,
): Promise<GroupGrant> {
  const workspaceRole = requireWorkspaceRole(role);
  await lockExistingGroup(tx, organizationId, groupId);
  await getWorkspace(tx, organizationId, workspaceId);
  const grant = { groupId, workspaceId, role: workspaceRole };
  const previous = await upsertGroupGrant(tx, organizationId, grant);
  if (previous === workspaceRole) return grant;
  await recordEvent(tx, organizationId, actor, {
    action: 'group.role_granted',
    target: { type: 'group', id: groupId },
    data: { workspaceId, role: workspaceRole, ...(previous ? { from: previous } : {}) },
  });
  return grant;
}

export async function revokeGroupRole(tx: Tx, actor: Actor, organizationId: string, groupId: string, workspaceId: string): Promise<void> {
  await lockExistingGroup(tx, organizationId, groupId);
  if (!isId(workspaceId) || !(await deleteGroupGrant(tx, groupId, workspaceId))) throw new NotFoundError('group_grant', workspaceId);
  await recordEvent(tx, organizationId, actor, { action: 'group.role_revoked', target: { type: 'group', id: groupId }, data: { workspaceId } });
}

export async function listGroupGrants(tx: Tx, organizationId: string, groupId: string): Promise<GroupGrant[]> {
  await getGroup(tx, organizationId, groupId);
  return selectGroupGrants(tx, groupId);
}
