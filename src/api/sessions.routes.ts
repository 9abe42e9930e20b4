import type { Knex } from 'knex';
import { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import { endOwnSession, listOwnSessions } from '../org/credentials/sessions.service.js';
import { allRoles, defineRoute, type ApiRoute } from './registry.js';

const sessionSchema = z
  .object({
    id: z.string(),
    organizationId: z.string().nullable(),
    createdAt: z.string(),
    lastSeenAt: z.string().nullable(),
    expiresAt: z.string(),
    current: z.boolean(),
  })
  .meta({ id: 'Session' });

const tag = 'Sessions';

/** `/sessions`: everyone sees where they are signed in and can sign out of any of those places. */
export function sessionRoutes(db: Knex): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/sessions',
      operationId: 'listOwnSessions',
      summary: 'Your live sessions, in every Organization, newest first',
      tag,
      roles: allRoles,
      response: { status: 200, schema: z.object({ sessions: z.array(sessionSchema) }) },
      handle: async ({ caller }) => ({
        sessions: (await inTransaction(db, (tx) => listOwnSessions(tx, caller.accountId))).map((session) => ({
          id: session.id,
          organizationId: session.organizationId,
          createdAt: session.createdAt.toISOString(),
          lastSeenAt: session.lastSeenAt?.toISOString() ?? null,
          expiresAt: session.expiresAt.toISOString(),
          current: session.id === caller.sessionId,
        })),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/sessions/{id}',
      operationId: 'endOwnSession',
      summary: 'End one of your sessions (it stops working on its next request)',
      tag,
      roles: allRoles,
      response: { status: 204, schema: null },
      handle: ({ caller, params }) => inTransaction(db, (tx) => endOwnSession(tx, caller.accountId, params.id!)),
    }),
  ];
}
