import assert from 'node:assert/strict';
import { migrateToLatest, pendingMigrations, rollbackAll } from '../../src/db/migrator.js';
import { inTransaction } from '../../src/db/transaction.js';
import { createOrganization } from '../../src/org/organizations.service.js';
import { createEmptyDatabase, type TestDatabase } from '../support/database.js';
import { system } from '../support/factories.js';

async function rosterTables(database: TestDatabase): Promise<string[]> {
  const { rows } = (await database.knex.raw(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE 'knex_%' ORDER BY table_name`,
  )) as { rows: Array<{ table_name: string }> };
  return rows.map((row) => row.table_name);
}

describe('migrations', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createEmptyDatabase(2);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('go up, down with data in place, and up again', async () => {
    assert.ok((await pendingMigrations(database.knex)).length > 0);
    await migrateToLatest(database.knex);
    assert.deepEqual(await pendingMigrations(database.knex), []);
    await inTransaction(database.knex, (tx) => createOrganization(tx, system, { name: 'Acme', adminEmail: 'ada@acme.test' }));

    await rollbackAll(database.knex);
    assert.deepEqual(await rosterTables(database), []);

    await migrateToLatest(database.knex);
    assert.ok((await rosterTables(database)).includes('members'));
    await inTransaction(database.knex, (tx) => createOrganization(tx, system, { name: 'Acme', adminEmail: 'ada@acme.test' }));
  });

  it('make over-assigning a seat pool impossible even for SQL that skips the services', async () => {
    await migrateToLatest(database.knex);
    const { organization, admin } = await inTransaction(database.knex, (tx) =>
      createOrganization(tx, system, { name: 'Acme', adminEmail: 'ada@acme.test' }),
    );
    await database.knex('seat_pools').insert({ organization_id: organization.id, product: 'chat', seat_limit: 0 });
    await assert.rejects(
      database.knex('seat_assignments').insert({ organization_id: organization.id, product: 'chat', member_id: admin.id }),
      (error: { constraint?: string }) => error.constraint === 'seat_pools_assigned_within_limit',
    );
  });
});
