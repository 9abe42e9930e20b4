import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const knexfile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../knexfile.js');
const knexCli = createRequire(import.meta.url).resolve('knex/bin/cli.js');

/** Runs node with an embedded database folder of its own and no PostgreSQL URL. */
function run(args: string[], embeddedDir: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', EMBEDDED_DB_DIR: embeddedDir } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

describe('knexfile (for the knex CLI)', () => {
  let parent: string;
  beforeEach(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-knexfile-'));
  });
  afterEach(() => {
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('opens no embedded database when it is merely loaded', async () => {
    const embeddedDir = path.join(parent, 'db');
    const loaded = await run(['--input-type=module', '-e', `await import(${JSON.stringify(knexfile)});`], embeddedDir);
    assert.equal(loaded.code, 0, loaded.output);
    assert.equal(fs.existsSync(embeddedDir), false);
  });

  it('gives the knex CLI the embedded database when it asks: migrate:latest migrates it', async function () {
    this.timeout(120_000); // a fresh process loads PGlite and runs every migration
    const embeddedDir = path.join(parent, 'db');
    const migrated = await run([knexCli, 'migrate:latest', '--knexfile', knexfile], embeddedDir);
    assert.equal(migrated.code, 0, migrated.output);
    assert.match(migrated.output, /Batch 1 run: \d+ migrations/);
    assert.ok(fs.existsSync(embeddedDir));
  });
});
