import type { Knex } from 'knex';
import { z } from 'zod';
import { inTransaction, type Tx } from '../db/transaction.js';
import { getMemberDetails, searchMembers, type MemberDetails, type MemberEntry } from '../org/lists/directory.service.js';
import { changeRole, updateProfile } from '../org/members/member-changes.service.js';
import { leaveOrganization, removeMember } from '../org/members/members.service.js';
import { assignSeat, releaseSeat } from '../org/seats/seats.service.js';
import { organizationRoles } from '../org/organizations/types.js';
import type { Member, ProfileChanges } from '../org/members/types.js';
import { pageAnswer, pageQuery, pageSchema, textSearchOf } from './pagination.js';
import { allRoles, defineRoute, type ApiRoute } from './registry.js';

const timestamp = z.string().nullable();
const role = z.enum(organizationRoles);

const memberSummarySchema = z
  .object({
    id: z.string(),
    userName: z.string(),
    /** The primary (else first) email. */
    email: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    displayName: z.string().nullable(),
    role,
    status: z.enum(['active', 'suspended']),
    /** Whether an identity provider owns the name and email, and which way: `scim` provisioning or `sso` sign-in. */
    externallyManaged: z.boolean(),
    managedBy: z.enum(['none', 'scim', 'sso']),
    seats: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'MemberSummary' });

const memberSchema = memberSummarySchema
  .extend({
    title: z.string().nullable(),
    workspaces: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        isDefault: z.boolean(),
        /** The strongest of the direct role and the groups' grants. */
        role: z.enum(['admin', 'contributor']),
        direct: z.enum(['admin', 'contributor']).nullable(),
        viaGroups: z.array(z.object({ groupId: z.string(), role: z.enum(['admin', 'contributor']) })),
      }),
    ),
    groups: z.array(
      z.object({
        id: z.string(),
        displayName: z.string(),
        /** `scim`: the IdP keeps this group's members (read-only here); `none`: an Admin does. */
        managedBy: z.enum(['none', 'scim']),
      }),
    ),
    apiKeys: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        prefix: z.string(),
        workspaceId: z.string(),
        createdAt: z.string(),
        lastUsedAt: timestamp,
        revokedAt: timestamp,
      }),
    ),
  })
  .meta({ id: 'Member' });

function primaryEmail(member: Member): string | null {
  return (member.emails.find((email) => email.primary) ?? member.emails[0])?.value ?? null;
}

function presentMemberSummary(member: MemberEntry): z.infer<typeof memberSummarySchema> {
  return {
    id: member.id,
    userName: member.userName,
    email: primaryEmail(member),
    firstName: member.name.givenName,
    lastName: member.name.familyName,
    displayName: member.displayName,
    role: member.role,
    status: member.status,
    externallyManaged: member.managedBy !== 'none',
    managedBy: member.managedBy,
    seats: member.seats,
    createdAt: member.createdAt.toISOString(),
    updatedAt: member.updatedAt.toISOString(),
  };
}

function presentMember({ member, workspaces, apiKeys }: MemberDetails): z.infer<typeof memberSchema> {
  return {
    ...presentMemberSummary(member),
    title: member.title,
    workspaces: workspaces.map((access) => ({
      id: access.workspace.id,
      name: access.workspace.name,
      isDefault: access.workspace.isDefault,
      role: access.role,
      direct: access.direct,
      viaGroups: access.viaGroups,
    })),
    groups: member.groups,
    apiKeys: apiKeys.map((key) => ({
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      workspaceId: key.workspaceId,
      createdAt: key.createdAt.toISOString(),
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
    })),
  };
}

const listQuery = z
  .object({
    /** Last name or email containing it, case-insensitively. */
    q: z.string().max(320).optional(),
    role: role.optional(),
    ...pageQuery.shape,
  })
  .strict();

const roleBody = z.object({ role }).strict();

/** The profile fields an admin (or the member) edits. `email` replaces the member's emails; their userName (sign-in name) stays. */
const profileBody = z
  .object({
    firstName: z.string().max(1024).nullable().optional(),
    lastName: z.string().max(1024).nullable().optional(),
    displayName: z.string().max(1024).nullable().optional(),
    title: z.string().max(1024).nullable().optional(),
    email: z.string().max(320).optional(),
  })
  .strict();

function profileChanges(body: z.infer<typeof profileBody>): ProfileChanges {
  const name = {
    ...(body.firstName !== undefined ? { givenName: body.firstName } : {}),
    ...(body.lastName !== undefined ? { familyName: body.lastName } : {}),
  };
  return {
    ...(Object.keys(name).length > 0 ? { name } : {}),
    ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
    ...(body.title !== undefined ? { title: body.title } : {}),
    ...(body.email !== undefined ? { emails: [{ value: body.email, type: 'work', primary: true }] } : {}),
  };
}

const admin = ['admin'] as const;
const readers = ['admin', 'billing'] as const;
const tag = 'Members';

/**
 * `/members`: the Organization's Active Users. Admins and Billing read the list and
 * each member; Admins change roles, seats and profiles and remove members; every
 * member reads and edits their own profile (`/members/me`) and may leave. The
 * `/members/me` routes come first, so `me` is never taken for a member id.
 */
export function memberRoutes(db: Knex): ApiRoute[] {
  const details = async (tx: Tx, organizationId: string, memberId: string) => presentMember(await getMemberDetails(tx, organizationId, memberId));
  /** Makes a change to one member and answers with that member as `GET /members/{id}` shows them, in one transaction. */
  const afterChange = (organizationId: string, change: (tx: Tx) => Promise<{ id: string }>) =>
    inTransaction(db, async (tx) => details(tx, organizationId, (await change(tx)).id));
  return [
    defineRoute({
      method: 'get',
      path: '/members/me',
      operationId: 'getOwnMembership',
      summary: 'Your own membership: profile, seats, Workspaces, groups and API keys',
      tag,
      roles: allRoles,
      response: { status: 200, schema: memberSchema },
      handle: ({ caller }) => inTransaction(db, (tx) => details(tx, caller.organizationId, caller.memberId)),
    }),
    defineRoute({
      method: 'patch',
      path: '/members/me/profile',
      operationId: 'updateOwnProfile',
      summary: 'Edit your own profile (name and email only when no identity provider manages them)',
      tag,
      roles: allRoles,
      body: profileBody,
      response: { status: 200, schema: memberSchema },
      handle: ({ caller, body }) =>
        afterChange(caller.organizationId, (tx) => updateProfile(tx, caller.actor, caller.organizationId, caller.memberId, profileChanges(body))),
    }),
    defineRoute({
      method: 'post',
      path: '/members/me/leave',
      operationId: 'leaveOrganization',
      summary: 'Leave the Organization (not as its last active Admin)',
      tag,
      roles: allRoles,
      response: { status: 204, schema: null },
      handle: ({ caller }) => inTransaction(db, (tx) => leaveOrganization(tx, caller.organizationId, caller.memberId)),
    }),
    defineRoute({
      method: 'get',
      path: '/members',
      operationId: 'listMembers',
      summary: 'List the members, searched by last name or email and filtered by role, a page at a time',
      tag,
      roles: readers,
      query: listQuery,
      response: { status: 200, schema: pageSchema('members', memberSummarySchema) },
      handle: async ({ caller, query }) =>
        pageAnswer('members', await inTransaction(db, (tx) => searchMembers(tx, caller.organizationId, textSearchOf(query))), presentMemberSummary),
    }),
    defineRoute({
      method: 'get',
      path: '/members/{id}',
      operationId: 'getMember',
      summary: 'Read a member: profile, seats, Workspaces, groups and API keys',
      tag,
      roles: readers,
      response: { status: 200, schema: memberSchema },
      handle: ({ caller, params }) => inTransaction(db, (tx) => details(tx, caller.organizationId, params.id!)),
    }),
    defineRoute({
      method: 'patch',
      path: '/members/{id}/role',
      operationId: 'changeMemberRole',
      summary: 'Change a member’s role (never the last active Admin’s); it counts from their next request',
      tag,
      roles: admin,
      body: roleBody,
      response: { status: 200, schema: memberSchema },
      handle: ({ caller, params, body }) =>
        afterChange(caller.organizationId, (tx) => changeRole(tx, caller.actor, caller.organizationId, params.id!, body.role)),
    }),
    defineRoute({
      method: 'put',
      path: '/members/{id}/seats/{product}',
      operationId: 'assignMemberSeat',
      summary: 'Give the member a seat of the product, if the pool has one free',
      tag,
      roles: admin,
      response: { status: 200, schema: memberSchema },
      handle: ({ caller, params }) =>
        afterChange(caller.organizationId, (tx) => assignSeat(tx, caller.actor, caller.organizationId, params.id!, params.product!)),
    }),
    defineRoute({
      method: 'delete',
      path: '/members/{id}/seats/{product}',
      operationId: 'releaseMemberSeat',
      summary: 'Take the member’s seat of the product back to its pool',
      tag,
      roles: admin,
      response: { status: 200, schema: memberSchema },
      handle: ({ caller, params }) =>
        afterChange(caller.organizationId, (tx) => releaseSeat(tx, caller.actor, caller.organizationId, params.id!, params.product!)),
    }),
    defineRoute({
      method: 'patch',
      path: '/members/{id}/profile',
      operationId: 'updateMemberProfile',
      summary: 'Edit a member’s profile (name and email only when no identity provider manages them)',
      tag,
      roles: admin,
      body: profileBody,
      response: { status: 200, schema: memberSchema },
      handle: ({ caller, params, body }) =>
        afterChange(caller.organizationId, (tx) => updateProfile(tx, caller.actor, caller.organizationId, params.id!, profileChanges(body))),
    }),
    defineRoute({
      method: 'delete',
      path: '/members/{id}',
      operationId: 'removeMember',
      summary: 'Remove a member (never the last active Admin): access, seats, Workspaces and groups go',
      tag,
      roles: admin,
      response: { status: 204, schema: null },
      handle: ({ caller, params }) => inTransaction(db, (tx) => removeMember(tx, caller.actor, caller.organizationId, params.id!)),
    }),
  ];
}
