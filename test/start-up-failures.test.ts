import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serverUrl } from './support/database.js';
import { cli, exitsWithin, packageRoot } from './support/served.js';

interface Failed {
  code: number | null;
  stderr: string;
}

/** Runs `roster serve`, which is expected to give up: its exit code and what it printed on stderr. */
async function serveExpectingFailure(env: NodeJS.ProcessEnv): Promise<Failed> {
  const child = spawn(process.execPath, [cli, 'serve'], { cwd: packageRoot, env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    // Generous against a loaded machine's start-up; without the fix the process never exits at all.
    return { code: await exitsWithin(exited, 15_000, 'roster serve'), stderr };
  } finally {
    child.kill('SIGKILL');
  }
}

function listening(): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** A port nothing listens on: one that was free a moment ago. */
async function closedPort(): Promise<number> {
  const server = await listening();
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function assertOneLine(stderr: string, pattern: RegExp): void {
  assert.match(stderr, /^roster: [^\n]+\n$/, `one line on stderr, no stack trace: ${stderr}`);
  assert.match(stderr, pattern);
}

describe('roster serve when it cannot start', function () {
  this.timeout(60_000);

  it('exits 1 with one line naming the port when the port is in use, and leaves the embedded database unlocked', async () => {
    const taken = await listening();
    const { port } = taken.address() as net.AddressInfo;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-port-'));
    try {
      const failed = await serveExpectingFailure({ PORT: String(port), HOST: '127.0.0.1', EMBEDDED_DB_DIR: dataDir });
      assert.equal(failed.code, 1);
      assertOneLine(failed.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use; set PORT`));
      assert.ok(!fs.existsSync(path.join(dataDir, 'roster.lock')), 'the embedded database is not held');
    } finally {
      taken.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('exits 1 with one line naming host, port and cause when nothing listens where DATABASE_URL points', async () => {
    const port = await closedPort();
    const failed = await serveExpectingFailure({ PORT: '0', DATABASE_URL: `postgres://roster:secret@127.0.0.1:${port}/roster` });
    assert.equal(failed.code, 1);
    assertOneLine(failed.stderr, new RegExp(`cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}: connection refused.*set DATABASE_URL`));
    assert.doesNotMatch(failed.stderr, /secret/, 'the password is never printed');
  });

  it('exits 1 with one line when PostgreSQL refuses the user or has no such database', async function () {
    const server = serverUrl();
    if (!server) this.skip();
    const missingDatabase = new URL(server);
    missingDatabase.pathname = `/roster_missing_${process.pid}`;
    const noDatabase = await serveExpectingFailure({ PORT: '0', DATABASE_URL: missingDatabase.href });
    assert.equal(noDatabase.code, 1);
    assertOneLine(
      noDatabase.stderr,
      new RegExp(`PostgreSQL at ${missingDatabase.hostname}:\\d+ has no database "roster_missing_${process.pid}".*DATABASE_URL`),
    );

    const unknownUser = new URL(server);
    unknownUser.username = 'roster_nobody';
    const refused = await serveExpectingFailure({ PORT: '0', DATABASE_URL: unknownUser.href });
    assert.equal(refused.code, 1);
    assertOneLine(refused.stderr, /PostgreSQL at .+ refused user "roster_nobody".*DATABASE_URL/);
  });
});
