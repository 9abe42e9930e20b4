import type { Knex } from 'knex';
import { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import { deleteOrganization, getOrganization, renameOrganization } from '../org/organizations/organizations.service.js';
import type { Organization } from '../org/organizations/types.js';
import { allRoles, defineRoute, type ApiRoute } from './registry.js';

const organizationSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.string() }).meta({ id: 'Organization' });

function presentOrganization(organization: Organization): z.infer<typeof organizationSchema> {
  return { id: organization.id, name: organization.name, createdAt: organization.createdAt.toISOString() };
}

const rename = z.object({ name: z.string().max(200) }).strict();
const confirmation = z.object({ confirmName: z.string().max(1000) }).strict();
const admin = ['admin'] as const;
const tag = 'Organization';

/** `/organization`: the caller's Organization; its Admins rename it or delete it for good. */
export function organizationRoutes(db: Knex): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/organization',
      operationId: 'getOrganization',
      summary: 'Read the Organization',
      tag,
      roles: allRoles,
      response: { status: 200, schema: organizationSchema },
      handle: async ({ caller }) => presentOrganization(await inTransaction(db, (tx) => getOrganization(tx, caller.organizationId))),
    }),
    defineRoute({
      method: 'patch',
      path: '/organization',
      operationId: 'renameOrganization',
      summary: 'Rename the Organization',
      tag,
      roles: admin,
      body: rename,
      response: { status: 200, schema: organizationSchema },
      handle: async ({ caller, body }) =>
        presentOrganization(await inTransaction(db, (tx) => renameOrganization(tx, caller.actor, caller.organizationId, body.name))),
    }),
    defineRoute({
      method: 'delete',
      path: '/organization',
      operationId: 'deleteOrganization',
      summary: 'Delete the Organization permanently, with every member, token, key and session in it; `confirmName` must be its current name exactly',
      tag,
      roles: admin,
      body: confirmation,
      response: { status: 204, schema: null },
      handle: ({ caller, body }) => inTransaction(db, (tx) => deleteOrganization(tx, caller.actor, caller.organizationId, { confirmName: body.confirmName })),
    }),
  ];
}
