import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashSecret } from '../src/org/credentials/secrets.js';
import { testDatabase } from './support/database.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `roster` as an operator would: against the run's PostgreSQL database, or
 * on the embedded run against an embedded database in a folder of its own.
 */
function roster(args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('the roster command', function () {
  this.timeout(120_000);
  let env: NodeJS.ProcessEnv;
  let dataDir: string | undefined;

  before(() => {
    const { url } = testDatabase();
    if (url) env = { DATABASE_URL: url };
    else {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-cli-'));
      env = { EMBEDDED_DB_DIR: dataDir };
    }
  });

  after(() => {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates, creates an Organization, issues SCIM tokens and sets seats, printing JSON', async () => {
    const migrated = await roster(['migrate'], env);
    assert.equal(migrated.code, 0, migrated.stderr);
    const migration = JSON.parse(migrated.stdout);
    assert.equal(migration.database, testDatabase().url ? 'postgres' : 'embedded');
    assert.match(migration.current, /^\d{14}$/);

    const created = await roster(['org', 'create', '--name', 'Acme', '--admin-email', 'ada@acme.test'], env);
    assert.equal(created.code, 0, created.stderr);
    const { organizationId, adminMemberId } = JSON.parse(created.stdout);
    assert.match(organizationId, /^[0-9a-f-]{36}$/);
    assert.match(adminMemberId, /^[0-9a-f-]{36}$/);

    const token = await roster(['scim-token', 'create', '--org', organizationId, '--name', 'Okta'], env);
    assert.equal(token.code, 0, token.stderr);
    const issued = JSON.parse(token.stdout);
    assert.match(issued.token, /^roster_scim_[A-Za-z0-9_-]{43}$/);
    if (testDatabase().url) {
      const stored = await testDatabase().knex('scim_tokens').where({ id: issued.id }).first();
      assert.equal(stored.token_hash, hashSecret(issued.token));
      assert.ok(!Object.values(stored).includes(issued.token), 'the token itself is not stored');
    }
    assert.equal((await roster(['scim-token', 'create', '--org', organizationId], env)).code, 0);
    const third = await roster(['scim-token', 'create', '--org', organizationId], env);
    assert.equal(third.code, 1);
    assert.match(third.stderr, /at most 2 active SCIM tokens/);

    const link = await roster(['login-link', '--org', organizationId, '--email', 'ada@acme.test'], env);
    assert.equal(link.code, 0, link.stderr);
    const issuedLink = JSON.parse(link.stdout);
    assert.match(issuedLink.url, /^http:\/\/localhost:8080\/auth\/email\/verify\?token=roster_link_[A-Za-z0-9_-]{43}$/);
    assert.equal(issuedLink.memberId, adminMemberId);
    assert.ok(new Date(issuedLink.expiresAt).getTime() > Date.now() + 14 * 60_000);
    const nobody = await roster(['login-link', '--org', organizationId, '--email', 'nobody@acme.test'], env);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /not found/i);
    const rotated = await roster(['signing-key', 'rotate'], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(JSON.parse(rotated.stdout).kid, /^[0-9a-f-]{36}$/);

    const seats = await roster(['seats', 'set', '--org', organizationId, '--product', 'chat', '--limit', '25'], env);
    assert.equal(seats.code, 0, seats.stderr);
    assert.deepEqual(JSON.parse(seats.stdout), { organizationId, product: 'chat', limit: 25, assigned: 0, available: 25 });
  });

  it('exits 1 with a message on stderr when the Organization does not exist or the config is bad', async () => {
    const missing = await roster(['seats', 'set', '--org', '00000000-0000-7000-8000-000000000000', '--product', 'chat', '--limit', '1'], env);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /Organization .* not found/);

    const badConfig = await roster(['migrate'], { ...env, PORT: 'abc' });
    assert.equal(badConfig.code, 1);
    assert.match(badConfig.stderr, /PORT/);
  });

  it('exits 2 with the usage on a missing option or an unknown command, and 0 on --help and --version', async () => {
    const missing = await roster(['org', 'create', '--name', 'Acme'], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--admin-email is required/);
    const unknown = await roster(['frobnicate'], env);
    assert.equal(unknown.code, 2);
    const version = await roster(['--version'], env);
    assert.equal(version.code, 0, version.stderr);
    const manifest = JSON.parse(fs.readFileSync(path.resolve(path.dirname(cli), '../../package.json'), 'utf8'));
    assert.equal(version.stdout, `${manifest.version}\n`, 'the version alone, plain, from package.json');
    const help = await roster(['--help'], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /org create --name NAME --admin-email EMAIL/);
  });
});
