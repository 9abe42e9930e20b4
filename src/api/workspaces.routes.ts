import type { Knex } from 'knex';
import { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import { workspaceRoles, type Workspace, type WorkspaceMembership } from '../org/workspaces/types.js';
import {
  addWorkspaceMember,
  createWorkspace,
  deleteWorkspace,
  listWorkspaces,
  listWorkspacesOfMember,
  pageWorkspaceGrants,
  pageWorkspaceMembers,
  removeWorkspaceMember,
  renameWorkspace,
  type WorkspaceGrantEntry,
  type WorkspaceMemberEntry,
} from '../org/workspaces/workspaces.service.js';
import { keysetQueryOf, pageAnswer, pageQuery, pageSchema } from './pagination.js';
import { allRoles, defineRoute, type ApiRoute } from './registry.js';

const workspaceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    isDefault: z.boolean().meta({ description: 'The Organization’s default Workspace: every member is in it; it cannot be deleted' }),
    createdByMemberId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Workspace' });

function presentWorkspace(workspace: Workspace): z.infer<typeof workspaceSchema> {
  return {
    id: workspace.id,
    name: workspace.name,
    isDefault: workspace.isDefault,
    createdByMemberId: workspace.createdByMemberId,
    createdAt: workspace.createdAt.toISOString(),
    updatedAt: workspace.updatedAt.toISOString(),
  };
}

const workspaceRole = z.enum(workspaceRoles);

const workspaceMemberSchema = z
  .object({
    memberId: z.string(),
    userName: z.string(),
    displayName: z.string().nullable(),
    status: z.enum(['active', 'suspended']),
    role: workspaceRole,
  })
  .meta({ id: 'WorkspaceMember' });

function presentWorkspaceMember(entry: WorkspaceMemberEntry): z.infer<typeof workspaceMemberSchema> {
  return { memberId: entry.memberId, userName: entry.userName, displayName: entry.displayName, status: entry.status, role: entry.role };
}

const workspaceGrantSchema = z
  .object({
    groupId: z.string(),
    displayName: z.string(),
    managedBy: z.enum(['none', 'scim']).meta({ description: '`scim`: the group is pushed by the identity provider' }),
    role: workspaceRole,
  })
  .meta({ id: 'WorkspaceGrant' });

function presentWorkspaceGrant(entry: WorkspaceGrantEntry): z.infer<typeof workspaceGrantSchema> {
  return { groupId: entry.groupId, displayName: entry.displayName, managedBy: entry.managedBy, role: entry.role };
}

const workspaceMembershipSchema = z.object({ workspaceId: z.string(), memberId: z.string(), role: workspaceRole }).meta({ id: 'WorkspaceMembership' });

function presentMembership(membership: WorkspaceMembership): z.infer<typeof workspaceMembershipSchema> {
  return { workspaceId: membership.workspaceId, memberId: membership.memberId, role: membership.role };
}

const named = z.object({ name: z.string() }).strict();
const roleBody = z.object({ role: workspaceRole }).strict();
const admin = ['admin'] as const;
const tag = 'Workspaces';

/**
 * `/workspaces`: an Admin manages Workspaces and their direct members. Anyone in
 * the Organization may list Workspaces: an Admin sees them all, Billing and
 * Members see the ones they reach (directly or through a group's grant).
 */
export function workspaceRoutes(db: Knex): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/workspaces',
      operationId: 'listWorkspaces',
      summary: 'List Workspaces: all of them for an Admin, the caller’s own for anyone else',
      tag,
      roles: allRoles,
      response: { status: 200, schema: z.object({ workspaces: z.array(workspaceSchema) }) },
      handle: async ({ caller }) => {
        const workspaces = await inTransaction(db, (tx) =>
          caller.role === 'admin' ? listWorkspaces(tx, caller.organizationId) : listWorkspacesOfMember(tx, caller.organizationId, caller.memberId),
        );
        return { workspaces: workspaces.map(presentWorkspace) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/workspaces',
      operationId: 'createWorkspace',
      summary: 'Create a Workspace; the Admin who creates it becomes its admin',
      tag,
      roles: admin,
      body: named,
      response: { status: 201, schema: workspaceSchema },
      handle: async ({ caller, body }) =>
        presentWorkspace(await inTransaction(db, (tx) => createWorkspace(tx, caller.actor, caller.organizationId, body.name))),
    }),
    defineRoute({
      method: 'patch',
      path: '/workspaces/{id}',
      operationId: 'renameWorkspace',
      summary: 'Rename a Workspace',
      tag,
      roles: admin,
      body: named,
      response: { status: 200, schema: workspaceSchema },
      handle: async ({ caller, params, body }) =>
        presentWorkspace(await inTransaction(db, (tx) => renameWorkspace(tx, caller.actor, caller.organizationId, params.id!, body.name))),
    }),
    defineRoute({
      method: 'delete',
      path: '/workspaces/{id}',
      operationId: 'deleteWorkspace',
      summary: 'Delete a Workspace with its memberships, grants and API keys (never the default one)',
      tag,
      roles: admin,
      response: { status: 204, schema: null },
      handle: ({ caller, params }) => inTransaction(db, (tx) => deleteWorkspace(tx, caller.actor, caller.organizationId, params.id!)),
    }),
    defineRoute({
      method: 'get',
      path: '/workspaces/{id}/members',
      operationId: 'listWorkspaceMembers',
      summary: 'List the Workspace’s direct members and their workspace roles, by userName',
      tag,
      roles: admin,
      query: pageQuery,
      response: { status: 200, schema: pageSchema('members', workspaceMemberSchema) },
      handle: async ({ caller, params, query }) =>
        pageAnswer(
          'members',
          await inTransaction(db, (tx) => pageWorkspaceMembers(tx, caller.organizationId, params.id!, keysetQueryOf(query))),
          presentWorkspaceMember,
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/workspaces/{id}/grants',
      operationId: 'listWorkspaceGrants',
      summary: 'List the groups that grant their members a role in the Workspace, by displayName',
      tag,
      roles: admin,
      query: pageQuery,
      response: { status: 200, schema: pageSchema('grants', workspaceGrantSchema) },
      handle: async ({ caller, params, query }) =>
        pageAnswer(
          'grants',
          await inTransaction(db, (tx) => pageWorkspaceGrants(tx, caller.organizationId, params.id!, keysetQueryOf(query))),
          presentWorkspaceGrant,
        ),
    }),
    defineRoute({
      method: 'put',
      path: '/workspaces/{id}/members/{memberId}',
      operationId: 'setWorkspaceMember',
      summary: 'Add a member to the Workspace with a role, or change their role',
      tag,
      roles: admin,
      body: roleBody,
      response: { status: 200, schema: workspaceMembershipSchema },
      handle: async ({ caller, params, body }) =>
        presentMembership(
          await inTransaction(db, (tx) => addWorkspaceMember(tx, caller.actor, caller.organizationId, params.id!, params.memberId!, body.role)),
        ),
    }),
    defineRoute({
      method: 'delete',
      path: '/workspaces/{id}/members/{memberId}',
      operationId: 'removeWorkspaceMember',
      summary: 'Remove a member from the Workspace (never from the default one)',
      tag,
      roles: admin,
      response: { status: 204, schema: null },
      handle: ({ caller, params }) => inTransaction(db, (tx) => removeWorkspaceMember(tx, caller.actor, caller.organizationId, params.id!, params.memberId!)),
    }),
  ];
}
