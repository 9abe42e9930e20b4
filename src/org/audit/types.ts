/** An audit event as stored; each action's payload is typed in audit-events.ts. */
import type { Actor } from '../organizations/types.js';

export interface AuditEvent {
  id: string;
  organizationId: string;
  actorType: Actor['type'];
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  data: Record<string, unknown>;
  requestId: string | null;
  createdAt: Date;
}
