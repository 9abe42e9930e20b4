import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { testDatabase } from './support/database.js';
import { cli, serve, until } from './support/served.js';

interface Answer {
  status: number | undefined;
  connection: string | undefined;
  reusedSocket: boolean;
}

/** GET on a keep-alive agent; rejects if the connection is reset or closed without an answer. */
function get(agent: http.Agent, port: number, pathname: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: pathname, agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode, connection: response.headers.connection, reusedSocket: request.reusedSocket }));
    });
    request.on('error', reject);
  });
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

let embeddedDir: string | undefined;

/**
 * The database for a spawned server: the run's PostgreSQL database, or one embedded database
 * in a folder of its own that these tests' servers use one after the other (created once:
 * a fresh embedded database takes seconds to set up).
 */
function databaseEnv(): NodeJS.ProcessEnv {
  const { url } = testDatabase();
  if (url) return { DATABASE_URL: url };
  embeddedDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'roster-serve-'));
  return { EMBEDDED_DB_DIR: embeddedDir };
}

describe('roster serve', function () {
  this.timeout(120_000);

  after(() => {
    if (embeddedDir) fs.rmSync(embeddedDir, { recursive: true, force: true });
  });

  it('finishes a request in flight at SIGTERM, refuses new connections, then exits 0', async function () {
    const { url, knex } = testDatabase();
    // Holding the request inside the database needs a second connection: PostgreSQL only.
    if (!url) this.skip();
    const served = await serve({ DATABASE_URL: url });
    const base = `http://127.0.0.1:${served.port}`;
    assert.equal((await fetch(`${base}/readyz`)).status, 200);

    const blocker = await knex.transaction();
    try {
      await blocker.raw('LOCK TABLE knex_migrations IN ACCESS EXCLUSIVE MODE');
      const inFlight = fetch(`${base}/readyz`);
      await until(async () => {
        const { rows } = await knex.raw(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'roster' AND wait_event_type = 'Lock'`,
        );
        return rows[0].waiting > 0;
      }, 'the readiness check to wait on the lock');

      served.child.kill('SIGTERM');
      await until(() => served.lines.some((line) => String(line.msg).startsWith('shutting down')), 'shutdown to begin');
      await assert.rejects(fetch(`${base}/healthz`), 'new connections are refused once shutdown begins');

      await blocker.rollback();
      const response = await inFlight;
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('connection'), 'close', 'the answer says the connection closes after it (RFC 9112 §9.6)');
      assert.deepEqual(await response.json(), { status: 'ready' });
    } finally {
      if (!blocker.isCompleted()) await blocker.rollback();
    }
    assert.equal(await served.exited, 0);
    assert.ok(served.lines.some((line) => line.msg === 'shutdown complete'));
  });

  it('keeps a second process out of the embedded database it serves, and lets go on SIGTERM', async function () {
    if (testDatabase().url) this.skip();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-serve-'));
    try {
      const served = await serve({ EMBEDDED_DB_DIR: dataDir });
      assert.equal((await fetch(`http://127.0.0.1:${served.port}/readyz`)).status, 200);

      const second = await new Promise<{ code: number; stderr: string }>((resolve) =>
        // A second server (a `roster` command would be run by this one: test/operator/control-socket.test.ts).
        execFile(process.execPath, [cli, 'serve'], { env: { PATH: process.env.PATH, PORT: '0', EMBEDDED_DB_DIR: dataDir } }, (error, _stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code) : 0, stderr }),
        ),
      );
      assert.equal(second.code, 1);
      assert.match(second.stderr, new RegExp(`in use by process ${served.child.pid}`));

      served.child.kill('SIGTERM');
      assert.equal(await served.exited, 0);
      assert.ok(!fs.existsSync(path.join(dataDir, 'roster.lock')), 'the lock is released');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
  it('answers the requests sent on kept-alive connections as SIGTERM arrives instead of resetting them, then exits 0', async () => {
    const env = databaseEnv();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    try {
      const served = await serve(env);
      const opened = await Promise.all(Array.from({ length: 20 }, () => get(agent, served.port, '/healthz')));
      assert.ok(opened.every((answer) => answer.status === 200 && answer.connection === 'keep-alive'));

      // Each request goes out on a connection left open by the first round, right around the signal.
      const answers = Array.from({ length: 20 }, () => get(agent, served.port, '/healthz'));
      served.child.kill('SIGTERM');
      const answered = await Promise.all(answers);

      assert.deepEqual(
        answered.map((answer) => [answer.status, answer.reusedSocket]),
        Array.from({ length: 20 }, () => [200, true]),
      );
      assert.equal(await served.exited, 0, 'idle connections were closed, so shutdown completed');
      assert.ok(await refusesConnections(served.port));
    } finally {
      agent.destroy();
    }
  });

  for (const target of ['npm alone', 'its whole process group'] as const) {
    it(`under npm start, ends the server with exit 0 and frees the port when a supervisor sends SIGTERM to ${target}`, async () => {
      const env = databaseEnv();
      const served = await serve(env, ['npm', 'start'], { detached: true });
      assert.equal((await fetch(`http://127.0.0.1:${served.port}/readyz`)).status, 200);

      // A group signal reaches the server twice (directly, and forwarded by npm): the second must not cut the first short.
      process.kill(target === 'npm alone' ? served.child.pid! : -served.child.pid!, 'SIGTERM');

      assert.equal(await served.exited, 0, served.stderr());
      assert.ok(served.lines.some((line) => line.msg === 'shutdown complete'));
      assert.ok(await refusesConnections(served.port), 'no server process is left on the port');
    });
  }
});
