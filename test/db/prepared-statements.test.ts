import assert from 'node:assert/strict';
import { openDatabase, type Database } from '../../src/db/connection.js';
import { inTransaction } from '../../src/db/transaction.js';
import { testDatabase } from '../support/database.js';

describe('prepared statements on PostgreSQL', () => {
  let single: Database;
  const table = `prepared_${Date.now()}`;

  before(async function () {
    const url = testDatabase().url;
    if (!url) return this.skip();
    // One connection, so that every statement below meets the same prepared statements.
    single = openDatabase({ url, poolMax: 1 });
    await single.knex.raw(`CREATE TABLE ${table} (id int PRIMARY KEY, name text)`);
    await single.knex.raw(`INSERT INTO ${table} VALUES (1, 'a')`);
  });

  after(async () => {
    if (!single) return;
    await single.knex.raw(`DROP TABLE IF EXISTS ${table}`);
    await single.close();
  });

  const read = (db: { raw: Database['knex']['raw'] }) => db.raw(`SELECT * FROM ${table} WHERE id = ?`, [1]);

  it('prepares a repeated parameterised statement once on the connection', async () => {
    await read(single.knex);
    await read(single.knex);
    const prepared = await single.knex.raw('SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE ?', [`%FROM ${table} WHERE%`]);
    assert.equal(prepared.rows[0].n, 1);
  });

  it('prepares it afresh when a migration adds a column while Roster runs, in and out of transactions', async () => {
    await read(single.knex);
    await single.knex.raw(`ALTER TABLE ${table} ADD COLUMN extra text DEFAULT 'x'`);
    assert.deepEqual((await read(single.knex)).rows, [{ id: 1, name: 'a', extra: 'x' }]);
    await single.knex.raw(`ALTER TABLE ${table} ADD COLUMN more int DEFAULT 2`);
    const inside = await inTransaction(single.knex, (tx) => read(tx));
    assert.deepEqual(inside.rows, [{ id: 1, name: 'a', extra: 'x', more: 2 }]);
  });
});
