import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';

/** `migrations/` sits beside `src/`, in the source tree and in `dist/` alike. */
const here = fileURLToPath(import.meta.url);
export const migrationsDir = path.resolve(path.dirname(here), '../../migrations');
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

export async function rollbackOne(knex: Knex): Promise<void> {
  await knex.migrate.down(migrationConfig);
}

/** Migrations still to run; empty when the schema is current. */
export async function pendingMigrations(knex: Knex): Promise<string[]> {
  const [, pending] = (await knex.migrate.list(migrationConfig)) as [unknown[], Array<{ file: string } | string>];
  return pending.map((entry) => (typeof entry === 'string' ? entry : entry.file));
}
