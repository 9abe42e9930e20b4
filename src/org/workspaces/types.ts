/** Workspaces, their roles, and a member's access to them. */

export const workspaceRoles = ['admin', 'contributor'] as const;

export type WorkspaceRole = (typeof workspaceRoles)[number];

export interface Workspace {
  id: string;
  organizationId: string;
  name: string;
  isDefault: boolean;
  createdByMemberId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WorkspaceMembership {
  workspaceId: string;
  memberId: string;
  role: WorkspaceRole;
}

/** A member's access to one Workspace: the strongest of their direct role and their groups' grants. */
export interface EffectiveAccess {
  workspaceId: string;
  role: WorkspaceRole;
  direct: WorkspaceRole | null;
  viaGroups: Array<{ groupId: string; role: WorkspaceRole }>;
}
