import type { Knex } from 'knex';
import type { Tx } from '../../db/transaction.js';
import { newId } from '../../db/ids.js';
import type { AuditEvent } from './types.js';

interface AuditEventRow {
  id: string;
  organization_id: string;
  actor_type: AuditEvent['actorType'];
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  data: Record<string, unknown>;
  request_id: string | null;
  created_at: Date;
}

function rowToAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    organizationId: row.organization_id,
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    data: row.data,
    requestId: row.request_id,
    createdAt: new Date(row.created_at),
  };
}

export type NewAuditEvent = Omit<AuditEventRow, 'id' | 'created_at'>;

const eventColumns = ['id', 'organization_id', 'actor_type', 'actor_id', 'action', 'target_type', 'target_id', 'data', 'request_id'] as const;

/**
 * The event's insert as part of a write: it runs in the same statement, once
 * for each row the CTE named `source` returns (so not at all when the write
 * changed nothing). One round trip for the change and its record.
 */
export function insertAuditEventPer(tx: Tx, source: string, event: NewAuditEvent, moreData?: string): Knex.Raw {
  const values = { ...event, id: newId(), data: JSON.stringify(event.data) };
  // `moreData`: an SQL jsonb expression over the statement's other CTEs, merged into the event's data.
  const data = moreData ? `?::jsonb || ${moreData}` : '?::jsonb';
  return tx.raw(
    `INSERT INTO audit_events (${eventColumns.join(', ')}) SELECT ${eventColumns.map((column) => (column === 'data' ? data : '?')).join(', ')} FROM ${source}`,
    eventColumns.map((column) => values[column]) as Knex.RawBinding[],
  );
}

export async function insertAuditEvents(tx: Tx, events: NewAuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx('audit_events').insert(events.map((event) => ({ ...event, id: newId(), data: JSON.stringify(event.data) })));
}

export interface AuditQuery {
  organizationId: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  limit?: number;
}

export async function selectAuditEvents(tx: Tx, query: AuditQuery): Promise<AuditEvent[]> {
  const q = tx<AuditEventRow>('audit_events').where('organization_id', query.organizationId);
  if (query.action) q.andWhere('action', query.action);
  if (query.targetType) q.andWhere('target_type', query.targetType);
  if (query.targetId) q.andWhere('target_id', query.targetId);
  const rows = await q
    .orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ])
    .limit(query.limit ?? 1000);
  return rows.map(rowToAuditEvent);
}

/** What an admin looks for in the audit log; every field narrows it, all are optional. */
export interface AuditFilter {
  actorType?: AuditEvent['actorType'];
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Events at or after this instant. */
  from?: Date;
  /** Events strictly before this instant. */
  to?: Date;
}

/** Where a page of the audit log starts: after the event with this exact `created_at` (microseconds, ISO) and id. */
export interface AuditPosition {
  createdAt: string;
  id: string;
}

/**
 * One page of the Organization's audit log, newest first, in the order
 * (created_at DESC, id DESC) that the audit indexes hold. Keyset paging: each
 * page starts strictly after `after`, so no event is skipped or repeated
 * however deep the page, and events written meanwhile (newer) do not shift it.
 * Each event comes with its position, the exact created_at (PostgreSQL keeps
 * microseconds; a JavaScript Date would round them away and break the keyset).
 */
export async function selectAuditEventPage(
  tx: Tx,
  organizationId: string,
  filter: AuditFilter,
  page: { limit: number; after?: AuditPosition },
): Promise<Array<{ event: AuditEvent; position: AuditPosition }>> {
  const q = tx<AuditEventRow>('audit_events')
    .select('*', tx.raw(`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position_created_at`))
    .where('organization_id', organizationId);
  if (filter.actorType) q.andWhere('actor_type', filter.actorType);
  if (filter.actorId) q.andWhere('actor_id', filter.actorId);
  if (filter.action) q.andWhere('action', filter.action);
  if (filter.targetType) q.andWhere('target_type', filter.targetType);
  if (filter.targetId) q.andWhere('target_id', filter.targetId);
  if (filter.from) q.andWhere('created_at', '>=', filter.from);
  if (filter.to) q.andWhere('created_at', '<', filter.to);
  if (page.after) q.andWhereRaw('(created_at, id) < (?::timestamptz, ?::uuid)', [page.after.createdAt, page.after.id]);
  const rows = (await q
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(page.limit)) as Array<AuditEventRow & { position_created_at: string }>;
  return rows.map((row) => ({ event: rowToAuditEvent(row), position: { createdAt: row.position_created_at, id: row.id } }));
}

export async function deleteAuditEventsOf(tx: Tx, organizationId: string): Promise<void> {
  await tx('audit_events').where('organization_id', organizationId).delete();
}
