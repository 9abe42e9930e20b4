import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { log } from '../log.js';
import { lockEmbeddedDir } from './embedded-lock.js';
import { prepareRepeatedStatements } from './prepared-statements.js';
import { defaultDatabaseTimeouts, type DatabaseTimeouts } from './timeouts.js';

export type DatabaseKind = 'postgres' | 'embedded';

export interface Database {
  knex: Knex;
  kind: DatabaseKind;
  /** Closes the pool (and the embedded database's files). Safe to call twice. */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; absent means the embedded database. */
  url?: string | undefined;
  /** Folder of the embedded database; `undefined` with no url means in memory. */
  embeddedDir?: string | undefined;
  poolMax?: number;
  /** PostgreSQL only: the embedded database runs in this process and has no network to wait on. */
  timeouts?: DatabaseTimeouts;
}

/** The few members of a pg client Roster touches. */
interface PgClient {
  query: (...args: unknown[]) => unknown;
  end: () => unknown;
}

/** Connections closed because a statement's answer never came; the pool must not hand them out again. */
const abandoned = new WeakSet<object>();

/**
 * pg's `query_timeout` answers the caller but leaves the statement active on the
 * connection, so everything sent after it (the ROLLBACK first) would queue behind
 * an answer that may never come. The connection's state is unknown: close it at
 * once, so the ROLLBACK fails fast and the pool replaces the connection. That is
 * also what lets Roster recover without a restart once the network heals.
 */
function closeOnQueryTimeout(connection: PgClient): void {
  const query = connection.query.bind(connection);
  connection.query = (config: unknown, ...rest: unknown[]) => {
    const callback = rest[0];
    if (typeof callback !== 'function') return query(config, ...rest);
    return query(config, (error: Error | null, result: unknown) => {
      if (error?.message === 'Query read timeout' && !abandoned.has(connection)) {
        abandoned.add(connection);
        connection.end();
      }
      (callback as (error: Error | null, result: unknown) => void)(error, result);
    });
  };
}

/** pg's client settings for the timeouts (pg leaves a 0 or absent setting off). */
function pgTimeouts(timeouts: DatabaseTimeouts) {
  return {
    connectionTimeoutMillis: timeouts.connectMs,
    query_timeout: timeouts.queryMs || undefined,
    statement_timeout: timeouts.statementMs || undefined,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs || undefined,
    keepAlive: timeouts.keepAliveDelayMs > 0,
    keepAliveInitialDelayMillis: timeouts.keepAliveDelayMs,
  };
}

/** The knex configuration for PostgreSQL or the embedded database (also what `knexfile.ts` exports). */
export function knexConfig(options: DatabaseOptions): Knex.Config {
  if (options.url) {
    const timeouts = options.timeouts ?? defaultDatabaseTimeouts;
    return {
      client: 'pg',
      connection: { connectionString: options.url, application_name: 'roster', ...pgTimeouts(timeouts) },
      pool: {
        min: 0,
        max: options.poolMax ?? 10,
        afterCreate: (connection: PgClient, done: (error: Error | null, connection: unknown) => void) => {
          prepareRepeatedStatements(connection);
          closeOnQueryTimeout(connection);
          done(null, connection);
        },
        validate: (connection: object) => !abandoned.has(connection),
      },
      acquireConnectionTimeout: timeouts.acquireMs,
      // knex reports each failed connect or acquire; during an outage that is a line per request,
      // which belongs in Roster's structured log rather than on the console.
      log: { warn: (message: string) => log().warn({ detail: message }, 'database connection trouble') },
    };
  }
  // PGlite is a single connection: knex-pglite fixes the pool at one, so
  // transactions queue behind each other instead of running in parallel.
  return {
    client: ClientPgLite as unknown as typeof Knex.Client,
    dialect: 'postgres',
    // pg_trgm, which PostgreSQL ships, is built into PGlite as a loadable extension: the
    // member search's trigram indexes (migrations/20261203000200) need it on both databases.
    connection: { pglite: new PGlite({ ...(options.embeddedDir ? { dataDir: options.embeddedDir } : {}), extensions: { pg_trgm } }) },
  } as Knex.Config;
}

export function openDatabase(options: DatabaseOptions): Database {
  if (options.url) {
    const knex = knexFactory(knexConfig(options));
    return { knex, kind: 'postgres', close: once(() => knex.destroy()) };
  }
  const release = options.embeddedDir ? lockEmbeddedDir(options.embeddedDir) : () => {};
  const knex = knexFactory(knexConfig(options));
  return {
    knex,
    kind: 'embedded',
    close: once(async () => {
      try {
        await knex.destroy();
      } finally {
        release();
      }
    }),
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
