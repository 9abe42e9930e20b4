import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Knex } from 'knex';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/connection.js';
import { translateDbError } from '../../src/db/pg-errors.js';
import { inTransaction } from '../../src/db/transaction.js';
import { UnavailableError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { createScimToken } from '../../src/org/credentials/credentials.service.js';
import { authApp, sessionFor } from '../support/auth.js';
import { db, testDatabase } from '../support/database.js';
import { makeOrganization, system, tx, unique, type TestOrganization } from '../support/factories.js';
import { listen, type Answer, type Listening } from '../support/http-calls.js';
import { newUser, patchOp, scimJson, testConfig } from '../support/scim.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { loadUntil, writeLanded, type Op, type Recorded } from '../support/fault-load.js';

/** The bounds of the requirement itself (Hardening: reliability under database faults). */
const requestBoundMs = 5_000;
const readinessBoundMs = 2_000;

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A 503 as each surface must render it: Retry-After, and the surface's own error shape. */
function assertUnavailable(answer: Answer): void {
  const what = `${answer.method} ${answer.path} (${answer.requestId})`;
  assert.equal(answer.status, 503, `${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  assert.match(answer.retryAfter ?? '', /^\d+$/, `${what} has a Retry-After`);
  if (answer.path.startsWith('/scim/v2')) {
    assert.ok(answer.contentType.startsWith(scimJson), `${what} is SCIM JSON`);
    assert.deepEqual((answer.body as { schemas: string[] }).schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
    assert.equal((answer.body as { status: string }).status, '503');
  } else {
    assert.equal((answer.body as { error: { code: string } }).error.code, 'service_unavailable', `${what}: ${JSON.stringify(answer.body)}`);
  }
}

describe('database faults: PostgreSQL behind a proxy that resets or black-holes connections', function () {
  this.timeout(60_000);
  let proxy: TcpProxy;
  let database: Database;
  let server: Listening;
  let org: TestOrganization;
  let scimToken: string;
  let adminToken: string;

  before(async function () {
    const { url } = testDatabase();
    // The embedded database runs inside the process: there is no network to break.
    if (!url) this.skip();
    const target = new URL(url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    // Roster's default timeouts, as shipped: the bounds must hold without tuning.
    database = openDatabase({ url: proxy.urlFor(url), poolMax: 4, timeouts: loadConfig({}).databaseTimeouts });
    server = await listen(createApp({ config: testConfig(), knex: database.knex, logger: createLogger('silent', silent) }));
    org = await makeOrganization();
    scimToken = (await tx((t) => createScimToken(t, system, org.id, 'IdP'))).token;
    adminToken = await sessionFor(authApp(), org.id, org.admin.userName);
    // The app reads its signing keys on first use: done here, so each test starts from a warm app.
    assert.equal((await server.call('GET', '/api/v1/workspaces', { token: adminToken })).status, 200);
  });

  afterEach(() => proxy?.setMode('pass'));

  after(async () => {
    await server?.close();
    await database?.close();
    await proxy?.close();
  });

  /** Resets every connection just as the next transaction sends its second statement: its ROLLBACK then has no connection. */
  function resetInsideNextTransaction(knex: Knex): () => boolean {
    let fired = false;
    const statements = new Map<string, number>();
    const listener = (query: { sql: string; __knexTxId?: string }) => {
      if (!query.__knexTxId || /^(begin|commit)/i.test(query.sql)) return;
      const sent = (statements.get(query.__knexTxId) ?? 0) + 1;
      statements.set(query.__knexTxId, sent);
      if (sent < 2) return;
      knex.off('query', listener);
      fired = true;
      proxy.setMode('reset');
    };
    knex.on('query', listener);
    return () => fired;
  }

  const auditEvents = async (requestId: string) => Number((await db()('audit_events').where({ request_id: requestId }).count({ n: '*' }))[0]!.n);

  it('answers 503 with Retry-After, not 500, when the connection resets inside a SCIM transaction, and deletes nothing', async () => {
    // An Admin: removing one is a transaction of several statements (a member who is not an Admin goes in one statement).
    const admin = newUser(`${unique('reset')}@example.test`, { 'urn:ietf:params:scim:schemas:extension:roster:2.0:User': { role: 'admin' } });
    const created = await server.call('POST', '/scim/v2/Users', { token: scimToken, json: admin, contentType: scimJson });
    assert.equal(created.status, 201);
    const id = (created.body as { id: string }).id;

    const fired = resetInsideNextTransaction(database.knex);
    const refused = await server.call('DELETE', `/scim/v2/Users/${id}`, { token: scimToken, requestId: unique('scim-reset') });
    assert.ok(fired(), 'the DELETE ran in a transaction of several statements');
    assertUnavailable(refused);
    assert.ok(await db()('members').where({ id }).first(), 'the member is still there');
    assert.equal(await auditEvents(refused.requestId), 0);

    proxy.setMode('pass');
    assert.equal((await server.call('DELETE', `/scim/v2/Users/${id}`, { token: scimToken })).status, 204, 'recovers without a restart');
  });

  it('answers 503 with Retry-After on /api/v1 and /auth when the connection resets inside their transactions, and writes nothing', async () => {
    const name = unique('Reset workspace');
    let fired = resetInsideNextTransaction(database.knex);
    const workspace = await server.call('POST', '/api/v1/workspaces', { token: adminToken, json: { name }, requestId: unique('api-reset') });
    assert.ok(fired());
    assertUnavailable(workspace);
    assert.equal(await db()('workspaces').where({ organization_id: org.id, name }).first(), undefined);
    assert.equal(await auditEvents(workspace.requestId), 0);

    proxy.setMode('pass');
    const email = `${unique('signin')}@example.test`;
    fired = resetInsideNextTransaction(database.knex);
    const signIn = await server.call('POST', '/auth/email', { json: { email } });
    assert.ok(fired());
    assertUnavailable(signIn);
    assert.equal(await db()('sign_in_links').where({ email }).first(), undefined);
    assert.equal(await db()('mail_outbox').where({ to_address: email }).first(), undefined);

    proxy.setMode('pass');
    assert.equal((await server.call('POST', '/api/v1/workspaces', { token: adminToken, json: { name } })).status, 201, 'recovers without a restart');
    assert.equal((await server.call('POST', '/auth/email', { json: { email } })).status, 202);
  });

  it('answers 503, not 401 "invalid token", when the signing keys cannot be read to check a session', async () => {
    // A freshly started instance reads its signing keys on the first session it checks.
    const cold = await listen(createApp({ config: testConfig(), knex: database.knex, logger: createLogger('silent', silent) }));
    try {
      proxy.setMode('reset');
      assertUnavailable(await cold.call('GET', '/api/v1/workspaces', { token: adminToken }));
      proxy.setMode('pass');
      assert.equal((await cold.call('GET', '/api/v1/workspaces', { token: adminToken })).status, 200);
    } finally {
      await cold.close();
    }
  });

  it('sets PostgreSQL’s statement and idle-in-transaction timeouts on every connection', async () => {
    const shown = async (setting: string) => ((await database.knex.raw(`SHOW ${setting}`)).rows[0] as Record<string, string>)[setting];
    assert.equal(await shown('statement_timeout'), '1500ms');
    assert.equal(await shown('idle_in_transaction_session_timeout'), '5s');
  });

  it('closes a connection whose statement never got an answer, so the pool recovers once the network heals', async () => {
    // One connection, so the next statement must get a new one, and short clocks, so the test is quick.
    const single = openDatabase({
      url: proxy.urlFor(testDatabase().url!),
      poolMax: 1,
      timeouts: { ...loadConfig({}).databaseTimeouts, queryMs: 300, connectMs: 300, acquireMs: 1_000 },
    });
    try {
      await single.knex.raw('select 1');
      proxy.setMode('blackhole');
      await assert.rejects(
        inTransaction(single.knex, (t) => t.raw('select 1')),
        (error: unknown) => error instanceof UnavailableError,
      );
      await assert.rejects(single.knex.raw('select 2'), (error: unknown) => translateDbError(error) instanceof UnavailableError);
      proxy.setMode('pass');
      assert.deepEqual((await single.knex.raw('select 3 as n')).rows, [{ n: 3 }]);
    } finally {
      await single.close();
    }
  });

  it('answers every request within 5 s under a partition and under resets, recovers when the network heals, and leaves no write half-applied', async () => {
    // Setup: each worker PATCHes a user of its own, so the last PATCH that landed is known.
    const workers = 6;
    const users: string[] = [];
    for (let worker = 0; worker < workers; worker++) {
      const created = await server.call('POST', '/scim/v2/Users', { token: scimToken, json: newUser(`${unique('load')}@example.test`), contentType: scimJson });
      assert.equal(created.status, 201);
      users.push((created.body as { id: string }).id);
    }
    const ops = (worker: number, n: number): Op => {
      const requestId = `fault-${unique()}-${worker}-${n}`;
      switch ((worker + n) % 4) {
        case 0:
          return {
            kind: 'create',
            requestId,
            key: `${requestId}@example.test`,
            send: () =>
              server.call('POST', '/scim/v2/Users', { requestId, token: scimToken, json: newUser(`${requestId}@example.test`), contentType: scimJson }),
          };
        case 1:
          return {
            kind: 'patch',
            requestId,
            key: users[worker]!,
            send: () =>
              server.call('PATCH', `/scim/v2/Users/${users[worker]}`, {
                requestId,
                token: scimToken,
                json: patchOp({ op: 'replace', path: 'displayName', value: requestId }),
                contentType: scimJson,
              }),
          };
        case 2:
          return {
            kind: 'workspace',
            requestId,
            key: `ws ${requestId}`,
            send: () => server.call('POST', '/api/v1/workspaces', { requestId, token: adminToken, json: { name: `ws ${requestId}` } }),
          };
        default:
          return {
            kind: 'signIn',
            requestId,
            key: `${requestId}@example.test`,
            send: () => server.call('POST', '/auth/email', { requestId, json: { email: `${requestId}@example.test` } }),
          };
      }
    };
    const probes: Answer[] = [];
    const untilReady = async () => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const ready = await server.call('GET', '/readyz');
        probes.push(ready);
        if (ready.status === 200) return;
        await sleep(100);
      }
      assert.fail('/readyz did not become ready after the network healed');
    };

    // Action: load throughout; a partition, healing, resets, healing.
    let stop = false;
    let mode: Recorded['mode'] = 'pass';
    const load = loadUntil(
      workers,
      ops,
      () => stop,
      () => mode,
    );
    await sleep(700);
    mode = 'blackhole';
    proxy.setMode('blackhole');
    await sleep(200);
    const [readyInPartition, healthInPartition] = await Promise.all([server.call('GET', '/readyz'), server.call('GET', '/healthz')]);
    await sleep(2_000);
    mode = 'healing';
    proxy.setMode('pass');
    await untilReady();
    await sleep(500);
    mode = 'reset';
    proxy.setMode('reset');
    await sleep(700);
    mode = 'healing';
    proxy.setMode('pass');
    await untilReady();
    stop = true;
    const answered = await load;
    // One of each, once the load has stopped: the fourth is worker 0's PATCH.
    const afterwards: Recorded[] = [];
    for (const op of [0, 1, 2, 3].map((n) => ops(0, n))) afterwards.push({ op, answer: await op.send(), mode: 'healed', answeredIn: 'healed' });

    // Checks: the bounds, the shape of every refusal, recovery.
    for (const { op, answer } of answered) {
      assert.ok(answer.ms < requestBoundMs, `${op.kind} ${op.requestId} took ${Math.round(answer.ms)} ms`);
      if (answer.status >= 300) assertUnavailable(answer);
    }
    const failedBeforeFaults = answered.filter((r) => r.answeredIn === 'pass' && r.answer.status >= 300);
    assert.deepEqual(
      failedBeforeFaults.map((r) => r.answer),
      [],
      'before any fault, everything succeeds',
    );
    for (const fault of ['blackhole', 'reset'] as const) {
      assert.ok(
        answered.some((r) => r.mode === fault && r.answer.status === 503),
        `the ${fault} was felt`,
      );
    }
    assert.equal(readyInPartition.status, 503);
    assert.equal((readyInPartition.body as { reason: string }).reason, 'database unreachable');
    assert.ok(readyInPartition.ms < readinessBoundMs, `/readyz took ${Math.round(readyInPartition.ms)} ms in the partition`);
    assert.equal(healthInPartition.status, 200);
    assert.ok(
      probes.every((probe) => probe.ms < readinessBoundMs),
      '/readyz answers within 2 s throughout',
    );
    assert.deepEqual(
      afterwards.map((r) => r.answer.status),
      [201, 200, 201, 202],
      'after healing, requests succeed without a restart',
    );

    // Checks on the database itself, not through the proxy: acknowledged writes are all there, none is half there.
    // A refused write may be all there: its COMMIT can reach PostgreSQL while the answer is lost.
    const everything = [...answered, ...afterwards];
    for (const { op, answer } of everything) {
      if (op.kind === 'signIn') continue;
      const landed = await writeLanded(db(), org.id, op);
      if (answer.status < 300) assert.equal(landed, 'all', `${op.kind} ${op.requestId} was acknowledged`);
      else assert.notEqual(landed, 'partly', `${op.kind} ${op.requestId} was refused and is half-applied`);
    }
    for (const [worker, memberId] of users.entries()) {
      const landedPatches: string[] = [];
      for (const { op } of everything.filter((r) => r.op.kind === 'patch' && r.op.key === memberId)) {
        if ((await writeLanded(db(), org.id, op)) === 'all') landedPatches.push(op.requestId);
      }
      const member = await db()('members').where({ id: memberId }).first();
      assert.equal(member.display_name, landedPatches.at(-1) ?? member.display_name, `worker ${worker}: the member shows its last audited PATCH`);
    }
    const unaudited = await db()('members as m')
      .where('m.organization_id', org.id)
      .whereNotExists(db()('audit_events as a').whereRaw('a.target_id = m.id::text').where('a.action', 'member.created'));
    assert.deepEqual(unaudited, [], 'no member without its audit event');
  });
});
