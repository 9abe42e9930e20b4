import type { Tx } from '../db/transaction.js';
import { currentRequestId } from '../log.js';
import { insertAuditEvents, selectAuditEvents, type AuditQuery, type NewAuditEvent } from './audit.repo.js';
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
