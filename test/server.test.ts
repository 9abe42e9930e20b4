import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDatabase } from './support/database.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli.js');

interface Served {
  child: ChildProcess;
  port: number;
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** Starts `roster serve` on a free port and waits until it listens. */
async function serve(env: NodeJS.ProcessEnv): Promise<Served> {
  const child = spawn(process.execPath, [cli, 'serve'], { env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'info', ...env } });
  const lines: Array<Record<string, unknown>> = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let buffered = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      for (const text of complete.filter(Boolean)) {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (line.msg === 'roster listening') resolve(line.port as number);
      }
    });
    void exited.then((code) => reject(new Error(`roster serve exited with ${code} before listening`)));
  });
  return { child, port, lines, exited };
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('roster serve', function () {
  this.timeout(120_000);

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
});
