import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { inTransaction } from '../db/transaction.js';
import { deleteEndedRateWindows } from '../http/rate-limits.repo.js';
import { deleteOldMail } from '../mail/outbox.js';
import { deleteExpiredSamlState } from '../org/sso-connections/saml-state.service.js';
import { deleteExpiredSignInLinks } from '../org/credentials/sign-in-links.repo.js';

/** Drops sign-in state nobody can use any more: expired SAML request ids, assertion ids past their window, old links, ended rate windows, mail past its retention. */
export async function sweepExpiredSignInState(db: Knex): Promise<void> {
  await inTransaction(db, async (tx) => {
    await deleteExpiredSamlState(tx);
    await deleteExpiredSignInLinks(tx);
  });
  await deleteEndedRateWindows(db, 24 * 3600);
  await deleteOldMail(db);
}

/** Sweeps every `intervalMs` beside `roster serve` (each instance; the deletes are idempotent). */
export function startHousekeeping(db: Knex, logger: Logger, intervalMs = 10 * 60_000): { stop(): void } {
  const timer = setInterval(() => {
    sweepExpiredSignInState(db).catch((error: unknown) => logger.warn({ err: error }, 'sweeping expired sign-in state failed'));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
