import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { openDatabase, type DatabaseKind } from './connection.js';
import type { DatabaseTimeouts } from './timeouts.js';

/** `migrations/` sits beside `src/`, in the source tree and in `dist/` alike. */
const here = fileURLToPath(import.meta.url);
const migrationsDir = path.resolve(path.dirname(here), '../../migrations');
const extension = path.extname(here);

interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Loads the migration files with this module's own extension (`.js` once built). */
class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  async getMigrations(): Promise<string[]> {
    return fs
      .readdirSync(migrationsDir)
      .filter((file) => file.endsWith(extension) && !file.endsWith(`.d${extension}`))
      .sort();
  }

  getMigrationName(file: string): string {
    return file.slice(0, -extension.length);
  }

  async getMigration(file: string): Promise<MigrationModule> {
    return (await import(pathToFileURL(path.join(migrationsDir, file)).href)) as MigrationModule;
  }
}

export const migrationConfig: Knex.MigratorConfig = {
  migrationSource: new DirectoryMigrationSource(),
  tableName: 'knex_migrations',
};

export interface MigrationResult {
  applied: string[];
  current: string;
}

export async function migrateToLatest(knex: Knex): Promise<MigrationResult> {
  const [, applied] = (await knex.migrate.latest(migrationConfig)) as [number, string[]];
  return { applied, current: await knex.migrate.currentVersion(migrationConfig) };
}

export async function rollbackAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback(migrationConfig, true);
}

/** Migrations still to run; empty when the schema is current. */
export async function pendingMigrations(knex: Knex): Promise<string[]> {
  const [, pending] = (await knex.migrate.list(migrationConfig)) as [unknown[], Array<{ file: string } | string>];
  return pending.map((entry) => (typeof entry === 'string' ? entry : entry.file));
}

/**
 * Brings the schema up to date. On PostgreSQL the migrations run on a connection of their own
 * without the statement and answer timeouts that bound requests: building an index on a large
 * table may take minutes, and cutting it off would only leave Roster unable to start.
 */
export async function migrateDatabase(knex: Knex, kind: DatabaseKind, url: string | undefined, timeouts: DatabaseTimeouts): Promise<MigrationResult> {
  if (kind === 'embedded' || !url) return migrateToLatest(knex);
  const migrating = openDatabase({ url, poolMax: 1, timeouts: { ...timeouts, statementMs: 0, queryMs: 0, idleInTransactionMs: 0 } });
  try {
    return await migrateToLatest(migrating.knex);
  } finally {
    await migrating.close();
  }
}
