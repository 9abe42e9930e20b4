import type { Knex } from 'knex';
import { DomainError, UnavailableError } from '../errors.js';
import { isRetryable, translateDbError } from './pg-errors.js';

/** A knex transaction: the first argument of every domain service. */
export type Tx = Knex.Transaction;

const maxAttempts = 3;

/**
 * Runs `work` as one unit of work. Inside an outer transaction it joins it, so
 * services can call each other; at the top it opens a transaction, commits when
 * `work` resolves and rolls back when it throws. Serialization failures,
 * deadlocks and stale prepared plans are retried; database errors come out as
 * domain errors.
 */
export async function inTransaction<T>(db: Knex, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db as Tx);
  for (let attempt = 1; ; attempt++) {
    const failure: { error?: unknown } = {};
    try {
      return await db.transaction(async (tx) => {
        try {
          return await work(tx);
        } catch (error) {
          failure.error = error;
          throw error;
        }
      });
    } catch (error) {
      if ('error' in failure && error !== failure.error) throw afterFailedRollback(failure.error);
      if (attempt < maxAttempts && isRetryable(error)) continue;
      throw translateDbError(error);
    }
  }
}

/**
 * When the work fails and its ROLLBACK then fails too, knex rejects with the
 * ROLLBACK's error, not the work's: the connection broke (reset, or closed after a
 * statement's answer did not come in time). PostgreSQL discards a transaction that
 * never committed together with its connection, so nothing was written. The answer
 * is then the work's error when it is, or translates to, a domain error (a refusal,
 * a unique violation); any other, a retryable one included, is not retried and
 * means the database could not be reached.
 */
function afterFailedRollback(workError: unknown): unknown {
  const translated = translateDbError(workError);
  return translated instanceof DomainError ? translated : new UnavailableError('The database is unreachable; try again shortly');
}

/**
 * Runs `work` that sends exactly one statement, which PostgreSQL applies
 * atomically on its own: no BEGIN and COMMIT round trips. Errors come out as
 * from `inTransaction`. Only for work whose one-statement shape its service
 * guarantees (see members.service `assessChange`, `isOneStatementCreate`).
 */
export async function inOneStatement<T>(db: Knex, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db as Tx);
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(db as Tx);
    } catch (error) {
      if (attempt < maxAttempts && isRetryable(error)) continue;
      throw translateDbError(error);
    }
  }
}

// A note for repos: on the embedded database a bare `.delete()` resolves to a
// driver result rather than a row count (knex-pglite reports the command as
// "DEL"). Repos that need to know what a delete removed use `.returning(...)`,
// which reads the same on both databases.
