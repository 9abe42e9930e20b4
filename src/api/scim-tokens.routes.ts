import type { Knex } from 'knex';
import { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import { createScimToken, listScimTokens, maxActiveScimTokens, revokeScimToken } from '../org/credentials/credentials.service.js';
import type { ScimToken } from '../org/credentials/types.js';
import { defineRoute, type ApiRoute } from './registry.js';

const timestamp = z.string().nullable();

const scimTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** The token's first characters, to tell tokens apart; never the token. */
    prefix: z.string(),
    createdAt: z.string(),
    lastUsedAt: timestamp,
    revokedAt: timestamp,
  })
  .meta({ id: 'ScimToken' });

const newScimTokenSchema = scimTokenSchema
  .extend({ token: z.string().describe('The bearer token for the IdP: shown in this answer only, never again') })
  .meta({ id: 'NewScimToken' });

function presentScimToken(token: ScimToken): z.infer<typeof scimTokenSchema> {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
  };
}

const scimInfoSchema = z
  .object({
    baseUrl: z.string().describe("The SCIM connector's base URL to give the IdP: `{PUBLIC_URL}/scim/v2`"),
    maxActiveTokens: z.number().int().describe('How many tokens may be active at once (two: one to rotate to)'),
  })
  .meta({ id: 'ScimInfo' });

const newToken = z.object({ name: z.string().max(100) }).strict();
const admin = ['admin'] as const;
const tag = 'SCIM tokens';

/** `/scim-tokens`: an Admin issues the bearer tokens an IdP provisions with on `/scim/v2`, and revokes them. */
export function scimTokenRoutes(db: Knex, publicUrl: string): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/scim',
      operationId: 'getScimInfo',
      summary: 'What to give the IdP besides a token: the SCIM base URL, and how many tokens may be active',
      tag,
      roles: admin,
      response: { status: 200, schema: scimInfoSchema },
      handle: async () => ({ baseUrl: `${publicUrl}/scim/v2`, maxActiveTokens: maxActiveScimTokens }),
    }),
    defineRoute({
      method: 'get',
      path: '/scim-tokens',
      operationId: 'listScimTokens',
      summary: 'List the SCIM tokens, revoked ones included, with when each was last used',
      tag,
      roles: admin,
      response: { status: 200, schema: z.object({ scimTokens: z.array(scimTokenSchema) }) },
      handle: async ({ caller }) => ({ scimTokens: (await inTransaction(db, (tx) => listScimTokens(tx, caller.organizationId))).map(presentScimToken) }),
    }),
    defineRoute({
      method: 'post',
      path: '/scim-tokens',
      operationId: 'createScimToken',
      summary: `Create a SCIM token; the answer holds the token, shown this once (at most ${maxActiveScimTokens} active, for rotation)`,
      tag,
      roles: admin,
      body: newToken,
      response: { status: 201, schema: newScimTokenSchema },
      handle: async ({ caller, body }) => {
        const { token, scimToken } = await inTransaction(db, (tx) => createScimToken(tx, caller.actor, caller.organizationId, body.name));
        return { ...presentScimToken(scimToken), token };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/scim-tokens/{id}',
      operationId: 'revokeScimToken',
      summary: 'Revoke a SCIM token; the IdP’s next request with it is refused',
      tag,
      roles: admin,
      response: { status: 204, schema: null },
      handle: async ({ caller, params }) => {
        await inTransaction(db, (tx) => revokeScimToken(tx, caller.actor, caller.organizationId, params.id!));
      },
    }),
  ];
}
