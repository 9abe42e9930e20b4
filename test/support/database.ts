import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { openDatabase, type Database } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrator.js';

/**
 * Test databases: a fresh, uniquely named PostgreSQL database on the server of
 * TEST_DATABASE_URL (or DATABASE_URL), dropped afterwards; or, when neither is
 * set, an embedded database in memory. Never mocked.
 */
export interface TestDatabase extends Database {
  /** Connection string of the database on PostgreSQL; undefined on the embedded one. */
  url: string | undefined;
  drop(): Promise<void>;
}

export function serverUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A new empty database (no migrations run). */
export async function createEmptyDatabase(poolMax = 25): Promise<TestDatabase> {
  const server = serverUrl();
  if (!server) {
    const database = openDatabase({});
    return { ...database, url: undefined, drop: database.close };
  }
  const name = `roster_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
  } finally {
    await admin.destroy();
  }
  const url = withDatabaseName(server, name);
  const database = openDatabase({ url, poolMax });
  return {
    ...database,
    url,
    drop: async () => {
      await database.close();
      const dropper = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
      try {
        await dropper.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.destroy();
      }
    },
  };
}

async function createMigratedDatabase(): Promise<TestDatabase> {
  const database = await createEmptyDatabase();
  await migrateToLatest(database.knex);
  return database;
}

let shared: TestDatabase | undefined;

/** The run's migrated database, shared by the tests; each test makes its own Organization in it. */
export function testDatabase(): TestDatabase {
  if (!shared) throw new Error('The test database is opened by the root hooks (test/support/hooks.ts)');
  return shared;
}

export function db(): Knex {
  return testDatabase().knex;
}

export async function openSharedDatabase(): Promise<void> {
  shared = await createMigratedDatabase();
}

export async function dropSharedDatabase(): Promise<void> {
  await shared?.drop();
  shared = undefined;
}
