import type { Tx } from '../db/transaction.js';
import { newId } from '../db/ids.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface QueuedMail extends OutgoingMail {
  id: string;
  attempts: number;
}

interface OutboxRow {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  attempts: number;
}

function rowToQueuedMail(row: OutboxRow): QueuedMail {
  return { id: row.id, to: row.to_address, subject: row.subject, text: row.text_body, attempts: row.attempts };
}

export async function insertMail(tx: Tx, mail: OutgoingMail): Promise<string> {
  const id = newId();
  await tx('mail_outbox').insert({ id, to_address: mail.to, subject: mail.subject, text_body: mail.text });
  return id;
}

/**
 * Takes up to `limit` messages that are due and leases them for `leaseSeconds`:
 * another instance skips them meanwhile, and one whose sender died is due again
 * when the lease runs out (delivery is at least once).
 */
export async function leaseDueMail(tx: Tx, limit: number, leaseSeconds: number): Promise<QueuedMail[]> {
  const result = await tx.raw(
    `UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => ?)
      WHERE id IN (SELECT id FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= now()
                    ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
      RETURNING id, to_address, subject, text_body, attempts`,
    [leaseSeconds, limit],
  );
  return (result.rows as OutboxRow[]).map(rowToQueuedMail);
}

export async function markMailSent(tx: Tx, id: string): Promise<void> {
  await tx('mail_outbox').where({ id }).update({ sent_at: tx.fn.now(), last_error: null });
}

export async function markMailFailed(tx: Tx, id: string, error: string, retryInSeconds: number): Promise<void> {
  await tx('mail_outbox')
    .where({ id })
    .update({ last_error: error.slice(0, 1000), next_attempt_at: tx.raw('now() + make_interval(secs => ?)', [retryInSeconds]) });
}

export interface StoredMail extends OutgoingMail {
  id: string;
  createdAt: Date;
}

/** The newest messages first, optionally only those to one address (compared case-insensitively). */
export async function selectLatestMail(tx: Tx, filter: { to?: string | undefined; limit: number }): Promise<StoredMail[]> {
  const query = tx('mail_outbox')
    .select('id', 'to_address', 'subject', 'text_body', 'created_at')
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(filter.limit);
  if (filter.to !== undefined) query.whereRaw('lower(to_address) = lower(?)', [filter.to]);
  const rows = (await query) as Array<Omit<OutboxRow, 'attempts'> & { created_at: Date | string }>;
  return rows.map((row) => ({ id: row.id, to: row.to_address, subject: row.subject, text: row.text_body, createdAt: new Date(row.created_at) }));
}

/** Deletes messages written more than `days` days ago, sent or not; answers how many. */
export async function deleteMailOlderThan(tx: Tx, days: number): Promise<number> {
  return tx('mail_outbox')
    .where('created_at', '<', tx.raw('now() - make_interval(days => ?)', [days]))
    .delete();
}
