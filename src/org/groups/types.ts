/** Groups and the Workspace roles they grant. */
import type { WorkspaceRole } from '../workspaces/types.js';

export interface Group {
  id: string;
  organizationId: string;
  displayName: string;
  externalId: string | null;
  managedBy: 'none' | 'scim';
  createdByMemberId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface GroupGrant {
  groupId: string;
  workspaceId: string;
  role: WorkspaceRole;
}
