import type { Knex } from 'knex';
import { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import {
  addGroupMembers,
  createGroup,
  deleteGroup,
  getGroup,
  pageGroupMembers,
  pageGroups,
  removeGroupMember,
  updateGroup,
  type GroupMemberEntry,
} from '../org/groups/groups.service.js';
import { grantGroupRole, listGroupGrants, revokeGroupRole } from '../org/groups/group-grants.service.js';
import { workspaceRoles } from '../org/workspaces/types.js';
import type { Group, GroupGrant } from '../org/groups/types.js';
import { keysetQueryOf, pageAnswer, pageQuery, pageSchema } from './pagination.js';
import { defineRoute, type ApiRoute } from './registry.js';

const groupSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    externalId: z.string().nullable(),
    managedBy: z.enum(['none', 'scim']).meta({
      description: '`scim`: pushed by the identity provider; its name and members are read-only here, its Workspace grants are not. `none`: made by an Admin.',
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Group' });

function presentGroup(group: Group): z.infer<typeof groupSchema> {
  return {
    id: group.id,
    displayName: group.displayName,
    externalId: group.externalId,
    managedBy: group.managedBy,
    createdAt: group.createdAt.toISOString(),
    updatedAt: group.updatedAt.toISOString(),
  };
}

const groupMemberSchema = z
  .object({ memberId: z.string(), userName: z.string(), displayName: z.string().nullable(), status: z.enum(['active', 'suspended']) })
  .meta({ id: 'GroupMember' });

function presentGroupMember(entry: GroupMemberEntry): z.infer<typeof groupMemberSchema> {
  return { memberId: entry.memberId, userName: entry.userName, displayName: entry.displayName, status: entry.status };
}

const workspaceRole = z.enum(workspaceRoles);

const groupGrantSchema = z.object({ groupId: z.string(), workspaceId: z.string(), role: workspaceRole }).meta({ id: 'GroupGrant' });

function presentGrant(grant: GroupGrant): z.infer<typeof groupGrantSchema> {
  return { groupId: grant.groupId, workspaceId: grant.workspaceId, role: grant.role };
}

const memberIds = z.array(z.string().max(100)).max(1000);
const newGroup = z.object({ displayName: z.string(), memberIds: memberIds.optional() }).strict();
const rename = z.object({ displayName: z.string() }).strict();
const addMembers = z.object({ memberIds: memberIds.min(1) }).strict();
const roleBody = z.object({ role: workspaceRole }).strict();
const admin = ['admin'] as const;
const tag = 'Groups';

/**
 * `/groups`: an Admin makes groups, fills them and grants them Workspace roles.
 * Groups an IdP pushes over SCIM keep their name and members for the IdP
 * (409 `externally_managed` here); their grants are the Admin's.
 */
export function groupRoutes(db: Knex): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/groups',
      operationId: 'listGroups',
      summary: 'List the groups by displayName, with who manages each',
      tag,
      roles: admin,
      query: pageQuery,
      response: { status: 200, schema: pageSchema('groups', groupSchema) },
      handle: async ({ caller, query }) =>
        pageAnswer('groups', await inTransaction(db, (tx) => pageGroups(tx, caller.organizationId, keysetQueryOf(query))), presentGroup),
    }),
    defineRoute({
      method: 'post',
      path: '/groups',
      operationId: 'createGroup',
      summary: 'Create a group, optionally with members',
      tag,
      roles: admin,
      body: newGroup,
      response: { status: 201, schema: groupSchema },
      handle: async ({ caller, body }) =>
        presentGroup(
          await inTransaction(db, (tx) =>
            createGroup(tx, caller.actor, caller.organizationId, { displayName: body.displayName, managedBy: 'none', memberIds: body.memberIds ?? [] }),
          ),
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/groups/{id}',
      operationId: 'getGroup',
      summary: 'Read one group, with who manages it',
      tag,
      roles: admin,
      response: { status: 200, schema: groupSchema },
      handle: async ({ caller, params }) => presentGroup(await inTransaction(db, (tx) => getGroup(tx, caller.organizationId, params.id!))),
    }),
    defineRoute({
      method: 'patch',
      path: '/groups/{id}',
      operationId: 'renameGroup',
      summary: 'Rename a group (not a SCIM-pushed one)',
      tag,
      roles: admin,
      body: rename,
      response: { status: 200, schema: groupSchema },
      handle: async ({ caller, params, body }) =>
        presentGroup(await inTransaction(db, (tx) => updateGroup(tx, caller.actor, caller.organizationId, params.id!, { displayName: body.displayName }))),
    }),
    defineRoute({
      method: 'delete',
      path: '/groups/{id}',
      operationId: 'deleteGroup',
      summary: 'Delete a group with its memberships and grants (not a SCIM-pushed one); its members stay',
      tag,
      roles: admin,
      response: { status: 204, schema: null },
      handle: ({ caller, params }) => inTransaction(db, (tx) => deleteGroup(tx, caller.actor, caller.organizationId, params.id!)),
    }),
    defineRoute({
      method: 'get',
      path: '/groups/{id}/members',
      operationId: 'listGroupMembers',
      summary: 'List the group’s members, by userName',
      tag,
      roles: admin,
      query: pageQuery,
      response: { status: 200, schema: pageSchema('members', groupMemberSchema) },
      handle: async ({ caller, params, query }) =>
        pageAnswer(
          'members',
          await inTransaction(db, (tx) => pageGroupMembers(tx, caller.organizationId, params.id!, keysetQueryOf(query))),
          presentGroupMember,
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/groups/{id}/members',
      operationId: 'addGroupMembers',
      summary: 'Add members to a group (not a SCIM-pushed one); those already in are skipped',
      tag,
      roles: admin,
      body: addMembers,
      response: { status: 200, schema: z.object({ added: z.array(z.string()) }).meta({ id: 'GroupMembersAdded' }) },
      handle: async ({ caller, params, body }) => ({
        added: await inTransaction(db, (tx) => addGroupMembers(tx, caller.actor, caller.organizationId, params.id!, body.memberIds)),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/groups/{id}/members/{memberId}',
      operationId: 'removeGroupMember',
      summary: 'Remove a member from a group (not a SCIM-pushed one)',
      tag,
      roles: admin,
      response: { status: 204, schema: null },
      handle: ({ caller, params }) => inTransaction(db, (tx) => removeGroupMember(tx, caller.actor, caller.organizationId, params.id!, params.memberId!)),
    }),
    defineRoute({
      method: 'get',
      path: '/groups/{id}/grants',
      operationId: 'listGroupGrants',
      summary: 'List the Workspace roles the group grants its members',
      tag,
      roles: admin,
      response: { status: 200, schema: z.object({ grants: z.array(groupGrantSchema) }) },
      handle: async ({ caller, params }) => ({
        grants: (await inTransaction(db, (tx) => listGroupGrants(tx, caller.organizationId, params.id!))).map(presentGrant),
      }),
    }),
    defineRoute({
      method: 'put',
      path: '/groups/{id}/grants/{workspaceId}',
      operationId: 'setGroupGrant',
      summary: 'Grant the group a role in a Workspace, or change it (SCIM-pushed groups too)',
      tag,
      roles: admin,
      body: roleBody,
      response: { status: 200, schema: groupGrantSchema },
      handle: async ({ caller, params, body }) =>
        presentGrant(await inTransaction(db, (tx) => grantGroupRole(tx, caller.actor, caller.organizationId, params.id!, params.workspaceId!, body.role))),
    }),
    defineRoute({
      method: 'delete',
      path: '/groups/{id}/grants/{workspaceId}',
      operationId: 'revokeGroupGrant',
      summary: 'Revoke the group’s role in a Workspace (SCIM-pushed groups too)',
      tag,
      roles: admin,
      response: { status: 204, schema: null },
      handle: ({ caller, params }) => inTransaction(db, (tx) => revokeGroupRole(tx, caller.actor, caller.organizationId, params.id!, params.workspaceId!)),
    }),
  ];
}
