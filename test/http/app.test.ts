import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createEmptyDatabase, db } from '../support/database.js';

function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), raw: lines };
}

const config = loadConfig({});

describe('HTTP skeleton', () => {
  it('answers /healthz while the process is up', async () => {
    const app = createApp({ config, knex: db(), logger: capturedLogger().logger });
    const response = await request(app).get('/healthz').expect(200);
    assert.deepEqual(response.body, { status: 'ok' });
  });

  it('answers /readyz 200 when the database is reachable and its schema current', async () => {
    const app = createApp({ config, knex: db(), logger: capturedLogger().logger });
    const response = await request(app).get('/readyz').expect(200);
    assert.deepEqual(response.body, { status: 'ready' });
  });

  it('answers /readyz 503 while migrations are pending', async () => {
    const empty = await createEmptyDatabase(2);
    try {
      // A new embedded database starts up on its first statement: let it, so the probe's deadline measures the check.
      await empty.knex.raw('select 1');
      const app = createApp({ config, knex: empty.knex, logger: capturedLogger().logger });
      const response = await request(app).get('/readyz').expect(503);
      assert.equal(response.body.reason, 'migrations pending');
      assert.ok(response.body.pending.length > 0);
    } finally {
      await empty.drop();
    }
  });

  it('answers /readyz 503 when the database is unreachable', async () => {
    const gone = await createEmptyDatabase(2);
    await gone.drop();
    const app = createApp({ config, knex: gone.knex, logger: capturedLogger().logger });
    const response = await request(app).get('/readyz').expect(503);
    assert.equal(response.body.reason, 'database unreachable');
  });

  it('answers /readyz 503 once shutdown has begun', async () => {
    const app = createApp({ config, knex: db(), logger: capturedLogger().logger, health: { shuttingDown: true } });
    const response = await request(app).get('/readyz').expect(503);
    assert.equal(response.body.reason, 'shutting down');
  });

  it('answers an unknown route with a JSON 404', async () => {
    const app = createApp({ config, knex: db(), logger: capturedLogger().logger });
    const response = await request(app).get('/nowhere').expect(404);
    assert.deepEqual(response.body, { error: { code: 'route_not_found', message: 'No such endpoint' } });
  });

  it('gives each request an id, keeps a sane one from the caller and refuses to echo a hostile one', async () => {
    const app = createApp({ config, knex: db(), logger: capturedLogger().logger });
    const generated = await request(app).get('/healthz');
    assert.match(generated.headers['x-request-id']!, /^[0-9a-f-]{36}$/);
    const kept = await request(app).get('/healthz').set('X-Request-Id', 'okta-sync.42');
    assert.equal(kept.headers['x-request-id'], 'okta-sync.42');
    const replaced = await request(app).get('/healthz').set('X-Request-Id', 'a b <script>');
    assert.match(replaced.headers['x-request-id']!, /^[0-9a-f-]{36}$/);
  });

  it('writes JSON log lines that carry the request id and no credential', async () => {
    const capture = capturedLogger();
    const app = createApp({ config, knex: db(), logger: capture.logger });
    await request(app)
      .get('/somewhere?token=link-secret-123')
      .set('Authorization', 'Bearer scim-secret-456')
      .set('Cookie', 'roster_session=cookie-secret-789')
      .set('X-Request-Id', 'req-under-test');

    const lines = capture.lines();
    assert.ok(lines.length > 0);
    for (const line of lines) assert.equal(line.requestId, 'req-under-test');
    const text = capture.raw.join('\n');
    for (const secret of ['link-secret-123', 'scim-secret-456', 'cookie-secret-789']) assert.ok(!text.includes(secret), `${secret} was logged`);
  });
});
