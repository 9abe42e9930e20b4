import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import { log } from '../log.js';
import { auditAnchor, searchAuditEvents, type AuditFilter } from '../org/audit/audit.service.js';
import { decodeCursor, type Anchor, type Page } from '../org/lists/page.js';
import type { AuditEvent } from '../org/audit/types.js';
import { csvRow } from './csv.js';
import { pageAnswer, pageSchema } from './pagination.js';
import { defineRoute, type ApiRoute } from './registry.js';

const auditEventSchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    actor: z.object({ type: z.enum(['member', 'scim_token', 'sso', 'system']), id: z.string().nullable() }),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string() }),
    data: z.record(z.string(), z.unknown()),
    requestId: z.string().nullable(),
  })
  .meta({ id: 'AuditEvent' });

function presentAuditEvent(event: AuditEvent): z.infer<typeof auditEventSchema> {
  return {
    id: event.id,
    createdAt: event.createdAt.toISOString(),
    actor: { type: event.actorType, id: event.actorId },
    action: event.action,
    target: { type: event.targetType, id: event.targetId },
    data: event.data,
    requestId: event.requestId,
  };
}

const text = z.string().min(1).max(200);
const instant = z.iso.datetime({ offset: true });
const filterQuery = z
  .object({
    actorType: z.enum(['member', 'scim_token', 'sso', 'system']).optional(),
    actorId: text.optional(),
    action: text.optional(),
    targetType: text.optional(),
    targetId: text.optional(),
    from: instant.optional().describe('Events at or after this instant (ISO 8601)'),
    to: instant.optional().describe('Events before this instant (ISO 8601)'),
  })
  .strict();
const pageQuery = filterQuery
  .extend({
    limit: z.coerce.number().int().min(1).max(200).optional().describe('Events per page: 50 unless given, at most 200'),
    cursor: z.string().max(500).optional().describe('The nextCursor of the previous page'),
  })
  .strict();

function filterOf(query: z.infer<typeof filterQuery>): AuditFilter {
  const { from, to, ...exact } = query;
  return { ...exact, ...(from ? { from: new Date(from) } : {}), ...(to ? { to: new Date(to) } : {}) };
}

const csvColumns = ['id', 'createdAt', 'actorType', 'actorId', 'action', 'targetType', 'targetId', 'data', 'requestId'];

function csvLine(event: AuditEvent): string {
  return csvRow([
    event.id,
    event.createdAt.toISOString(),
    event.actorType,
    event.actorId,
    event.action,
    event.targetType,
    event.targetId,
    JSON.stringify(event.data),
    event.requestId,
  ]);
}

/** Events per SQL page of the CSV export: the export holds one page in memory at a time. */
const csvPageSize = 500;

const admin = ['admin'] as const;
const tag = 'Audit log';

/** `/audit-events`: who did what to whom, newest first, filtered, a page at a time or all of it as CSV. */
export function auditRoutes(db: Knex): ApiRoute[] {
  const page = (organizationId: string, filter: AuditFilter, limit: number, after?: Anchor) =>
    inTransaction(db, (tx) => searchAuditEvents(tx, organizationId, filter, { limit, after }));

  return [
    defineRoute({
      method: 'get',
      path: '/audit-events',
      operationId: 'listAuditEvents',
      summary: 'Search the audit log, newest first: by actor, action, target and time range, a page at a time',
      tag,
      roles: admin,
      query: pageQuery,
      response: { status: 200, schema: pageSchema('events', auditEventSchema) },
      handle: async ({ caller, query }) => {
        const { limit, cursor, ...filter } = query;
        const found = await page(caller.organizationId, filterOf(filter), limit ?? 50, cursor === undefined ? undefined : decodeCursor(cursor, auditAnchor));
        return pageAnswer('events', found, presentAuditEvent);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit-events.csv',
      operationId: 'exportAuditEvents',
      summary:
        "Export the audit events the same filters select, newest first, as CSV (text/csv, a header row, RFC 4180; cells that a spreadsheet would read as a formula start with ')",
      tag,
      roles: admin,
      query: filterQuery,
      response: { status: 200, schema: null, contentType: 'text/csv' },
      handle: async ({ caller, query, res }) => {
        const filter = filterOf(query);
        // The first page is read before anything is sent, so a failure there is still an ordinary error answer.
        const first = await page(caller.organizationId, filter, csvPageSize);
        async function* lines(): AsyncGenerator<string> {
          yield csvRow(csvColumns);
          let current: Page<AuditEvent> = first;
          for (;;) {
            yield current.items.map(csvLine).join('');
            if (!current.next) return;
            current = await page(caller.organizationId, filter, csvPageSize, current.next);
          }
        }
        res.status(200);
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', 'attachment; filename="audit-events.csv"');
        res.setHeader('Cache-Control', 'no-store');
        try {
          // pipeline waits for the client to take each page before reading the next, and stops reading if it goes away.
          await pipeline(Readable.from(lines()), res);
        } catch (error) {
          // The answer has begun: it can only be cut short (the client sees an incomplete chunked body), not turned into an error.
          log().warn({ err: error }, 'audit CSV export ended early');
          res.destroy();
        }
      },
    }),
  ];
}
