import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { lockEmbeddedDir } from './embedded-lock.js';
import { prepareRepeatedStatements } from './prepared-statements.js';

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
}

/** The knex configuration for PostgreSQL or the embedded database (also what `knexfile.ts` exports). */
export function knexConfig(options: DatabaseOptions): Knex.Config {
  if (options.url) {
    return {
      client: 'pg',
      connection: { connectionString: options.url, application_name: 'roster' },
      pool: {
        min: 0,
        max: options.poolMax ?? 10,
        afterCreate: (connection: Parameters<typeof prepareRepeatedStatements>[0], done: (error: Error | null, connection: unknown) => void) => {
          prepareRepeatedStatements(connection);
          done(null, connection);
        },
      },
      acquireConnectionTimeout: 10_000,
    };
  }
  // PGlite is a single connection: knex-pglite fixes the pool at one, so
  // transactions queue behind each other instead of running in parallel.
  return {
    client: ClientPgLite as unknown as typeof Knex.Client,
    dialect: 'postgres',
    connection: options.embeddedDir ? { filename: options.embeddedDir } : {},
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
