import type { Tx } from '../../db/transaction.js';
import { InvalidInputError } from '../../errors.js';
import { currentRequestId } from '../../log.js';
import type { AuditEntry } from './audit-events.js';
import {
  insertAuditEvents,
  selectAuditEventPage,
  selectAuditEvents,
  type AuditFilter,
  type AuditPosition,
  type AuditQuery,
  type NewAuditEvent,
} from './audit.repo.js';
import { invalidCursor, isAnchorOf, pageOf, type Anchor, type Page } from '../lists/page.js';
import type { Actor } from '../organizations/types.js';
import type { AuditEvent } from './types.js';

export type { AuditEntry } from './audit-events.js';

/**
 * Invariant 6: every change writes exactly one event per affected entity, in the
 * transaction of the change, so the event exists if and only if the change does.
 */
export async function recordEvents(tx: Tx, organizationId: string, actor: Actor, entries: AuditEntry[]): Promise<void> {
  await insertAuditEvents(
    tx,
    entries.map((entry) => auditEvent(organizationId, actor, entry)),
  );
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

const maxAuditPageSize = 1000;

/** The audit log's anchor (see page.ts): the exact created_at, microseconds included, then the id. */
export const auditAnchor = ['timestamp', 'id'] as const;

/**
 * A page of the Organization's audit log, newest first, narrowed by `filter`.
 * `after` is the `next` of the previous page: pages follow each other
 * without loss or repetition, however many events are written meanwhile.
 */
export async function searchAuditEvents(
  tx: Tx,
  organizationId: string,
  filter: AuditFilter,
  page: { limit: number; after?: Anchor | undefined },
): Promise<Page<AuditEvent>> {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > maxAuditPageSize) {
    throw new InvalidInputError('invalid_value', `limit must be an integer from 1 to ${maxAuditPageSize}`, { field: 'limit' });
  }
  if (page.after && !isAnchorOf(page.after, auditAnchor)) throw invalidCursor();
  const after: AuditPosition | undefined = page.after ? { createdAt: page.after[0], id: page.after[1] } : undefined;
  // One more than asked tells whether another page follows, without counting.
  const found = await selectAuditEventPage(tx, organizationId, filter, { limit: page.limit + 1, ...(after ? { after } : {}) });
  const shown = pageOf(found, page.limit, (entry) => [entry.position.createdAt, entry.position.id]);
  return { items: shown.items.map((entry) => entry.event), next: shown.next };
}
