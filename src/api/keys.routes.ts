import type { RequestHandler } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import { authenticateApiKey, createApiKey, getApiKey, listApiKeys, revokeApiKey } from '../org/credentials/credentials.service.js';
import { organizationRoles } from '../org/organizations/types.js';
import type { ApiKey } from '../org/credentials/types.js';
import type { ApiCaller } from './access.js';
import { allRoles, defineRoute, type ApiRoute } from './registry.js';

const timestamp = z.string().nullable();

const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** The key's first characters, to tell keys apart; never the key. */
    prefix: z.string(),
    /** Null once the member who held it has been removed (the key is revoked then). */
    memberId: z.string().nullable(),
    workspaceId: z.string(),
    createdAt: z.string(),
    lastUsedAt: timestamp,
    revokedAt: timestamp,
    revokedReason: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

const newApiKeySchema = apiKeySchema.extend({ key: z.string().describe('The key itself: shown in this answer only, never again') }).meta({ id: 'NewApiKey' });

export const whoamiSchema = z
  .object({
    kind: z.enum(['session', 'api_key']),
    organizationId: z.string(),
    memberId: z.string(),
    /** The member's Organization role now (sessions). */
    role: z.enum(organizationRoles).optional(),
    /** The Workspace the key is for (API keys). */
    workspaceId: z.string().optional(),
  })
  .meta({ id: 'WhoAmI' });

function presentApiKey(key: ApiKey): z.infer<typeof apiKeySchema> {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    memberId: key.memberId,
    workspaceId: key.workspaceId,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    revokedReason: key.revokedReason,
  };
}

const listQuery = z.object({ memberId: z.string().max(100).optional() }).strict();
const newKey = z.object({ workspaceId: z.string().max(100), name: z.string().max(100) }).strict();
const tag = 'API keys';

/** Admins manage every member's keys; everyone else only their own. */
function requireOwnUnlessAdmin(caller: ApiCaller, memberId: string | null, what: string): void {
  if (caller.role !== 'admin' && memberId !== caller.memberId) {
    throw new ForbiddenError('forbidden_role', `Only an Admin can ${what} another member's API keys`, { role: caller.role });
  }
}

/** `/api-keys` and `/whoami`: a member's keys for one Workspace each, shown once, revocable. */
export function apiKeyRoutes(db: Knex): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api-keys',
      operationId: 'listApiKeys',
      summary: 'List API keys: an Admin sees every member’s (or one member’s with ?memberId=), anyone else their own',
      tag,
      roles: allRoles,
      query: listQuery,
      response: { status: 200, schema: z.object({ apiKeys: z.array(apiKeySchema) }) },
      handle: async ({ caller, query }) => {
        if (query.memberId !== undefined) requireOwnUnlessAdmin(caller, query.memberId, 'list');
        const memberId = caller.role === 'admin' ? query.memberId : caller.memberId;
        return { apiKeys: (await inTransaction(db, (tx) => listApiKeys(tx, caller.organizationId, memberId))).map(presentApiKey) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api-keys',
      operationId: 'createApiKey',
      summary: 'Create an API key for yourself, for a Workspace you can reach; the answer holds the key, shown this once',
      tag,
      roles: allRoles,
      body: newKey,
      response: { status: 201, schema: newApiKeySchema },
      handle: async ({ caller, body }) => {
        const { key, apiKey } = await inTransaction(db, (tx) =>
          createApiKey(tx, caller.actor, caller.organizationId, caller.memberId, body.workspaceId, body.name),
        );
        return { ...presentApiKey(apiKey), key };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api-keys/{id}',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key (an Admin any, anyone else their own); it stops working at once',
      tag,
      roles: allRoles,
      response: { status: 204, schema: null },
      handle: ({ caller, params }) =>
        inTransaction(db, async (tx) => {
          requireOwnUnlessAdmin(caller, (await getApiKey(tx, caller.organizationId, params.id!)).memberId, 'revoke');
          await revokeApiKey(tx, caller.actor, caller.organizationId, params.id!);
        }),
    }),
    defineRoute({
      method: 'get',
      path: '/whoami',
      operationId: 'whoAmI',
      summary: 'Who is calling: the session’s member and role, or, with `Authorization: Bearer roster_key_…`, the API key’s member and Workspace',
      tag: 'Account',
      roles: allRoles,
      acceptsApiKey: true,
      response: { status: 200, schema: whoamiSchema },
      handle: async ({ caller }) => ({ kind: 'session' as const, organizationId: caller.organizationId, memberId: caller.memberId, role: caller.role }),
    }),
  ];
}

const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const apiKeyPrefix = 'roster_key_';

/**
 * `GET /whoami` with an API key. Mounted before the session check: a bearer
 * that is an API key is answered here, anything else goes on to the session.
 * The key and its member are checked on this request, so a revoked key, or the
 * key of a removed or suspended member, gets 401 at once.
 */
export function apiKeyWhoami(db: Knex): RequestHandler {
  return (req, res, next) => {
    const secret = bearer.exec(req.headers.authorization ?? '')?.[1];
    if (!secret?.startsWith(apiKeyPrefix)) {
      next();
      return;
    }
    inTransaction(db, (tx) => authenticateApiKey(tx, secret))
      .then((found) => {
        if (!found) throw new UnauthenticatedError('invalid_api_key', 'The API key is unknown or revoked, or its member no longer has access');
        const answer: z.infer<typeof whoamiSchema> = {
          kind: 'api_key',
          organizationId: found.apiKey.organizationId,
          memberId: found.member.id,
          workspaceId: found.apiKey.workspaceId,
        };
        res.json(answer);
      })
      .catch(next);
  };
}
