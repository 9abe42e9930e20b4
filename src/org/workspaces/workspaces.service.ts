import { isId, newId } from '../../db/ids.js';
import type { Tx } from '../../db/transaction.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { recordEvent } from '../audit/audit.service.js';
import { requireKeysetQuery, toKeysetPage, type KeysetQuery } from '../lists/keyset.js';
import type { Page } from '../lists/page.js';
import { selectMember } from '../members/members.repo.js';
import { selectOrganization } from '../organizations/organizations.repo.js';
import type { Actor } from '../organizations/types.js';
import type { EffectiveAccess, Workspace, WorkspaceMembership, WorkspaceRole } from './types.js';
import { requireText, requireWorkspaceRole } from '../organizations/validation.js';
import {
  deleteWorkspaceMember,
  deleteWorkspaceRow,
  insertWorkspace,
  selectEffectiveAccess,
  selectWorkspace,
  selectWorkspaceGrantPage,
  selectWorkspaceMemberPage,
  selectWorkspaceMembers,
  selectWorkspaces,
  selectWorkspacesReachableBy,
  updateWorkspaceName,
  upsertWorkspaceMember,
  type WorkspaceGrantEntry,
  type WorkspaceMemberEntry,
} from './workspaces.repo.js';

export type { WorkspaceGrantEntry, WorkspaceMemberEntry } from './workspaces.repo.js';

/**
 * Workspaces. Every Organization has one default Workspace that every member is
 * in and cannot leave except by leaving the Organization.
 */

export async function getWorkspace(tx: Tx, organizationId: string, workspaceId: string): Promise<Workspace> {
  const workspace = isId(workspaceId) ? await selectWorkspace(tx, organizationId, workspaceId) : undefined;
  if (!workspace) throw new NotFoundError('workspace', workspaceId);
  return workspace;
}

export function listWorkspaces(tx: Tx, organizationId: string): Promise<Workspace[]> {
  return selectWorkspaces(tx, organizationId);
}

/**
 * The Workspaces a member reaches now: those they are a direct member of and
 * those granted to one of their groups. A suspended member reaches none.
 */
export async function listWorkspacesOfMember(tx: Tx, organizationId: string, memberId: string): Promise<Workspace[]> {
  const member = isId(memberId) ? await selectMember(tx, organizationId, memberId) : undefined;
  if (!member) throw new NotFoundError('member', memberId);
  if (member.status !== 'active') return [];
  return selectWorkspacesReachableBy(tx, organizationId, memberId);
}

/** Creates a Workspace; a member who creates one becomes its admin. */
export async function createWorkspace(tx: Tx, actor: Actor, organizationId: string, name: string): Promise<Workspace> {
  const workspaceName = requireText('name', name, 100);
  if (!isId(organizationId) || !(await selectOrganization(tx, organizationId))) throw new NotFoundError('organization', organizationId);
  const creator = actor.type === 'member' && isId(actor.id) ? await selectMember(tx, organizationId, actor.id) : undefined;
  const workspace = await insertWorkspace(tx, {
    id: newId(),
    organizationId,
    name: workspaceName,
    isDefault: false,
    createdByMemberId: creator?.id ?? null,
  });
  if (creator) await upsertWorkspaceMember(tx, organizationId, workspace.id, creator.id, 'admin');
  await recordEvent(tx, organizationId, actor, {
    action: 'workspace.created',
    target: { type: 'workspace', id: workspace.id },
    data: { name: workspaceName, admin: creator?.id ?? null },
  });
  return workspace;
}

export async function renameWorkspace(tx: Tx, actor: Actor, organizationId: string, workspaceId: string, name: string): Promise<Workspace> {
  const workspaceName = requireText('name', name, 100);
  const workspace = await getWorkspace(tx, organizationId, workspaceId);
  if (workspace.name === workspaceName) return workspace;
  const renamed = (await updateWorkspaceName(tx, organizationId, workspaceId, workspaceName))!;
  await recordEvent(tx, organizationId, actor, {
    action: 'workspace.renamed',
    target: { type: 'workspace', id: workspaceId },
    data: { from: workspace.name, to: workspaceName },
  });
  return renamed;
}

/** Deletes a Workspace with its memberships, grants and API keys; never the default one. */
export async function deleteWorkspace(tx: Tx, actor: Actor, organizationId: string, workspaceId: string): Promise<void> {
  const workspace = await getWorkspace(tx, organizationId, workspaceId);
  if (workspace.isDefault) throw new ConflictError('default_workspace', 'The default Workspace cannot be deleted');
  await deleteWorkspaceRow(tx, organizationId, workspaceId);
  await recordEvent(tx, organizationId, actor, { action: 'workspace.deleted', target: { type: 'workspace', id: workspaceId }, data: { name: workspace.name } });
}

async function requireMember(tx: Tx, organizationId: string, memberId: string): Promise<void> {
  if (!isId(memberId) || !(await selectMember(tx, organizationId, memberId))) throw new NotFoundError('member', memberId);
}

/** Adds a member to a Workspace with a role, or changes the role of one already there. */
export async function addWorkspaceMember(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  workspaceId: string,
  memberId: string,
  role: WorkspaceRole = 'contributor',
): Promise<WorkspaceMembership> {
  const workspaceRole = requireWorkspaceRole(role);
  await getWorkspace(tx, organizationId, workspaceId);
  await requireMember(tx, organizationId, memberId);
  const previous = await upsertWorkspaceMember(tx, organizationId, workspaceId, memberId, workspaceRole);
  if (previous !== workspaceRole) {
    await recordEvent(tx, organizationId, actor, {
      action: previous === null ? 'workspace.member_added' : 'workspace.member_role_changed',
      target: { type: 'workspace', id: workspaceId },
      data: { memberId, role: workspaceRole, ...(previous ? { from: previous } : {}) },
    });
  }
  return { workspaceId, memberId, role: workspaceRole };
}

/** Changes the role of a member already in the Workspace. */
export async function setWorkspaceRole(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  workspaceId: string,
  memberId: string,
  role: WorkspaceRole,
): Promise<WorkspaceMembership> {
  await getWorkspace(tx, organizationId, workspaceId);
  const members = await selectWorkspaceMembers(tx, organizationId, workspaceId);
  if (!members.some((membership) => membership.memberId === memberId)) throw new NotFoundError('workspace_member', memberId);
  return addWorkspaceMember(tx, actor, organizationId, workspaceId, memberId, role);
}

export async function removeWorkspaceMember(tx: Tx, actor: Actor, organizationId: string, workspaceId: string, memberId: string): Promise<void> {
  const workspace = await getWorkspace(tx, organizationId, workspaceId);
  // Another Organization's member id is not found, even in the default Workspace.
  await requireMember(tx, organizationId, memberId);
  if (workspace.isDefault) {
    throw new ConflictError('default_workspace_membership', 'Every member belongs to the default Workspace; remove them from the Organization instead');
  }
  if (!(await deleteWorkspaceMember(tx, workspaceId, memberId))) throw new NotFoundError('workspace_member', memberId);
  await recordEvent(tx, organizationId, actor, { action: 'workspace.member_removed', target: { type: 'workspace', id: workspaceId }, data: { memberId } });
}

export async function listWorkspaceMembers(tx: Tx, organizationId: string, workspaceId: string): Promise<WorkspaceMembership[]> {
  await getWorkspace(tx, organizationId, workspaceId);
  return selectWorkspaceMembers(tx, organizationId, workspaceId);
}

/** A page of the Workspace's direct members with their roles, by userName. */
export async function pageWorkspaceMembers(tx: Tx, organizationId: string, workspaceId: string, query: KeysetQuery): Promise<Page<WorkspaceMemberEntry>> {
  const { limit, after } = requireKeysetQuery(query);
  await getWorkspace(tx, organizationId, workspaceId);
  return toKeysetPage(await selectWorkspaceMemberPage(tx, organizationId, workspaceId, limit + 1, after), limit);
}

/** A page of the groups that grant a role in the Workspace, by displayName (each group's own page lists its grants too). */
export async function pageWorkspaceGrants(tx: Tx, organizationId: string, workspaceId: string, query: KeysetQuery): Promise<Page<WorkspaceGrantEntry>> {
  const { limit, after } = requireKeysetQuery(query);
  await getWorkspace(tx, organizationId, workspaceId);
  return toKeysetPage(await selectWorkspaceGrantPage(tx, organizationId, workspaceId, limit + 1, after), limit);
}

/**
 * What the member can reach now: the union of direct memberships and group grants,
 * the strongest role per Workspace. A suspended member reaches nothing; their
 * memberships are kept, inert, until reactivation.
 */
export async function effectiveAccess(tx: Tx, organizationId: string, memberId: string): Promise<EffectiveAccess[]> {
  const member = isId(memberId) ? await selectMember(tx, organizationId, memberId) : undefined;
  if (!member) throw new NotFoundError('member', memberId);
  if (member.status !== 'active') return [];
  return selectEffectiveAccess(tx, organizationId, memberId);
}
