import assert from 'node:assert/strict';
import { migrateToLatest, migrationConfig, pendingMigrations, rollbackAll } from '../../src/db/migrator.js';
import { inTransaction } from '../../src/db/transaction.js';
import { createOrganization } from '../../src/org/organizations/organizations.service.js';
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
    const { organization, admin } = await inTransaction(database.knex, (tx) => createOrganization(tx, system, { name: 'Acme', adminEmail: 'ada@acme.test' }));
    await database.knex('seat_pools').insert({ organization_id: organization.id, product: 'chat', seat_limit: 0 });
    await assert.rejects(
      database.knex('seat_assignments').insert({ organization_id: organization.id, product: 'chat', member_id: admin.id }),
      (error: { constraint?: string }) => error.constraint === 'seat_pools_assigned_within_limit',
    );
  });

  it('keep the SSO connections that exist switched on, and start new ones off', async () => {
    await migrateToLatest(database.knex);
    const { organization } = await inTransaction(database.knex, (tx) => createOrganization(tx, system, { name: 'Acme', adminEmail: 'ada@acme.test' }));
    await database.knex.migrate.down({ ...migrationConfig, name: '20261204000100_add_sso_connections_enabled' });
    const connection = { organization_id: organization.id, idp_entity_id: 'https://idp.acme.test', sso_url: 'https://idp.acme.test/sso', certificates: '[]' };
    await database.knex('sso_connections').insert({ id: '00000000-0000-7000-8000-000000000001', ...connection });

    await migrateToLatest(database.knex);
    assert.deepEqual(await database.knex('sso_connections').pluck('enabled'), [true]);
    await database.knex('sso_connections').delete();
    await database.knex('sso_connections').insert({ id: '00000000-0000-7000-8000-000000000002', ...connection });
    assert.deepEqual(await database.knex('sso_connections').pluck('enabled'), [false]);
  });
});
