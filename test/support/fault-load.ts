import type { Knex } from 'knex';
import type { Answer } from './http-calls.js';

/** One write (or sign-in request) of the load, named by the request id its audit events carry. */
export interface Op {
  kind: 'create' | 'patch' | 'workspace' | 'signIn';
  requestId: string;
  /** The userName created, the member PATCHed, or the Workspace name created. */
  key: string;
  send(): Promise<Answer>;
}

export interface Recorded {
  op: Op;
  answer: Answer;
  /** What the network was doing when the request was sent. */
  mode: 'pass' | 'blackhole' | 'reset' | 'healing' | 'healed';
  /** And when its answer came. */
  answeredIn: Recorded['mode'];
}

/** `workers` loops sending `next(worker, n)` one after the other until `stopped()`; resolves with every answer. */
export async function loadUntil(
  workers: number,
  next: (worker: number, n: number) => Op,
  stopped: () => boolean,
  mode: () => Recorded['mode'],
): Promise<Recorded[]> {
  const recorded: Recorded[] = [];
  await Promise.all(
    Array.from({ length: workers }, async (_unused, worker) => {
      for (let n = 0; !stopped(); n++) {
        const op = next(worker, n);
        const sentIn = mode();
        const answer = await op.send();
        recorded.push({ op, answer, mode: sentIn, answeredIn: mode() });
      }
    }),
  );
  return recorded;
}

/**
 * How much of a write is in the database: its audit event and each row it makes.
 * `all` or `none` are the only honest outcomes; `partly` is a half-applied write.
 */
export async function writeLanded(knex: Knex, organizationId: string, op: Op): Promise<'all' | 'none' | 'partly'> {
  const exists = async (query: Knex.QueryBuilder) => (await query.first()) !== undefined;
  const parts = [await exists(knex('audit_events').where({ organization_id: organizationId, request_id: op.requestId }))];
  if (op.kind === 'create') {
    const member = await knex('members').where({ organization_id: organizationId, user_name: op.key }).first();
    parts.push(member !== undefined);
    // Every member is in the default Workspace from the start.
    parts.push(member !== undefined && (await exists(knex('workspace_members').where({ member_id: member.id }))));
  }
  if (op.kind === 'workspace') {
    const workspace = await knex('workspaces').where({ organization_id: organizationId, name: op.key }).first();
    parts.push(workspace !== undefined);
    // The Admin who creates a Workspace becomes its admin.
    parts.push(workspace !== undefined && (await exists(knex('workspace_members').where({ workspace_id: workspace.id, role: 'admin' }))));
  }
  if (parts.every(Boolean)) return 'all';
  return parts.some(Boolean) ? 'partly' : 'none';
}
