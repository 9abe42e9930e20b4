import type { Tx } from '../db/transaction.js';
import { isId } from '../db/ids.js';
import { InvalidInputError } from '../errors.js';
import { currentRequestId } from '../log.js';
import {
  insertAuditEvents,
  selectAuditEventPage,
  selectAuditEvents,
  type AuditFilter,
  type AuditPosition,
  type AuditQuery,
  type NewAuditEvent,
} from './audit.repo.js';
import type { Actor, AuditEvent } from './types.js';

export interface AuditEntry {
  action: string;
  target: { type: string; id: string };
  data?: Record<string, unknown>;
}

/**
 * Invariant 6: every change writes exactly one event per affected entity, in the
 * transaction of the change, so the event exists if and only if the change does.
 */
export async function recordEvents(tx: Tx, organizationId: string, actor: Actor, entries: AuditEntry[]): Promise<void> {
  await insertAuditEvents(tx, entries.map((entry) => auditEvent(organizationId, actor, entry)));
}

/** The event as stored, for a repo that writes it in the statement of the change itself. */
export function auditEvent(organizationId: string, actor: Actor, entry: AuditEntry): NewAuditEvent {
  return {
    organization_id: organizationId,
    actor_type: actor.type,
    actor_id: actor.id ?? null,
    action: entry.action,
    target_type: entry.target.type,
    target_id: entry.target.id,
    data: entry.data ?? {},
    request_id: currentRequestId(),
  };
}

export function recordEvent(tx: Tx, organizationId: string, actor: Actor, entry: AuditEntry): Promise<void> {
  return recordEvents(tx, organizationId, actor, [entry]);
}

export function listAuditEvents(tx: Tx, query: AuditQuery): Promise<AuditEvent[]> {
  return selectAuditEvents(tx, query);
}

export type { AuditFilter } from './audit.repo.js';

export const maxAuditPageSize = 1000;

export interface AuditPage {
  events: AuditEvent[];
  /** Where the next page starts (opaque); null on the last page. */
  nextCursor: string | null;
}

/**
 * A page of the Organization's audit log, newest first, narrowed by `filter`.
 * `cursor` is the `nextCursor` of the previous page: pages follow each other
 * without loss or repetition, however many events are written meanwhile.
 */
export async function searchAuditEvents(
  tx: Tx,
  organizationId: string,
  filter: AuditFilter,
  page: { limit: number; cursor?: string | undefined },
): Promise<AuditPage> {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > maxAuditPageSize) {
    throw new InvalidInputError('invalid_value', `limit must be an integer from 1 to ${maxAuditPageSize}`, { field: 'limit' });
  }
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  // One more than asked tells whether another page follows, without counting.
  const found = await selectAuditEventPage(tx, organizationId, filter, { limit: page.limit + 1, ...(after ? { after } : {}) });
  const shown = found.slice(0, page.limit);
  const last = shown.at(-1);
  return { events: shown.map((entry) => entry.event), nextCursor: found.length > page.limit && last ? encodeCursor(last.position) : null };
}

// The cursor is base64url of the last event's exact created_at and id: opaque to callers, checked on the way back in.
const exactTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function encodeCursor(position: AuditPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): AuditPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[0] !== 'string' || !exactTimestamp.test(decoded[0]) || !isId(decoded[1])) {
    throw new InvalidInputError('invalid_cursor', 'cursor is not one this list handed out; start again without it', { field: 'cursor' });
  }
  return { createdAt: decoded[0], id: decoded[1] };
}
