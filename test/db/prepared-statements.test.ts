import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createApp } from '../../src/app.js';
import { openDatabase, type Database } from '../../src/db/connection.js';
import { inTransaction } from '../../src/db/transaction.js';
import { createLogger } from '../../src/log.js';
import { testDatabase } from '../support/database.js';
import { unique } from '../support/factories.js';
import { newUser, patchOp, scimClient, testConfig } from '../support/scim.js';

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

  it('prepares the hot SCIM writes, a whole profile included, with one text per request shape', async () => {
    const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
    const idp = await scimClient(createApp({ config: testConfig(), knex: single.knex, logger: createLogger('silent', silent) }));
    const preparedCount = async () => Number((await single.knex.raw('SELECT count(*)::int AS n FROM pg_prepared_statements')).rows[0].n);
    const preparedLike = async (start: string) =>
      Number((await single.knex.raw(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '${start}%'`)).rows[0].n);
    const group = (await idp.post('/Groups', { displayName: unique('Prepared') }).expect(201)).body;
    // Two rounds of one user with one email: created, replaced, into the group and out, removed; the second round must plan nothing new.
    const round = async (title: string) => {
      const userName = `${unique('prepared')}@example.com`;
      const created = await idp.post('/Users', newUser(userName, { title })).expect(201);
      const id = created.body.id as string;
      await idp.put(`/Users/${id}`, newUser(userName, { title: `${title} again` })).expect(200);
      await idp.patch(`/Groups/${group.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: id }] })).expect(204);
      await idp.patch(`/Groups/${group.id}`, patchOp({ op: 'remove', path: `members[value eq "${id}"]` })).expect(204);
      await idp.delete(`/Users/${id}`).expect(204);
    };
    await round('First');
    const afterFirst = await preparedCount();
    await round('Second');
    assert.equal(await preparedCount(), afterFirst, 'the same shape of request adds no prepared statement');
    assert.equal(await preparedLike('with "created" as (insert into "members"'), 1, 'the create is prepared');
    assert.equal(await preparedLike('with "changed" as (update "members"'), 1, 'the PUT is prepared');
    assert.equal(await preparedLike('with "target" as (select * from "groups"'), 2, 'the group member add and remove are prepared');
    assert.equal(await preparedLike('with "removed" as (delete from "members"'), 1, 'the DELETE is prepared');
  });
});
