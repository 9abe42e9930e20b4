import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runRoster, startRosterServe, type ServingRoster } from '../support/roster-process.js';

/**
 * The embedded database belongs to one process. While `roster serve` holds it, the `roster`
 * command sends its commands to that server over the socket in the data folder, and the server
 * runs them with the same code: same JSON, same errors and exit codes.
 */
describe('roster commands while roster serve runs on the embedded database', function () {
  this.timeout(120_000);
  let dataDir: string;
  let served: ServingRoster;
  let env: NodeJS.ProcessEnv;
  const publicUrl = 'http://roster.localhost:8080';

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-ctl-'));
    // The commands' own environment has no PUBLIC_URL: links are the server's.
    env = { EMBEDDED_DB_DIR: dataDir };
    served = await startRosterServe({ ...env, PUBLIC_URL: publicUrl });
  });

  after(async () => {
    if (served.child.exitCode === null) await served.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('are run by the server: org create, seats set, scim-token create, login-link, outbox, migrate', async () => {
    const created = await runRoster(['org', 'create', '--name', 'Acme', '--admin-email', 'ada@acme.test'], env);
    assert.equal(created.code, 0, created.stderr);
    const { organizationId, adminMemberId, ...rest } = JSON.parse(created.stdout);
    assert.match(organizationId, /^[0-9a-f-]{36}$/);
    assert.match(adminMemberId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(rest, {});

    const seats = await runRoster(['seats', 'set', '--org', organizationId, '--product', 'chat', '--limit', '10'], env);
    assert.equal(seats.code, 0, seats.stderr);
    assert.deepEqual(JSON.parse(seats.stdout), { organizationId, product: 'chat', limit: 10, assigned: 0, available: 10 });

    const token = await runRoster(['scim-token', 'create', '--org', organizationId, '--name', 'Okta'], env);
    assert.equal(token.code, 0, token.stderr);
    assert.match(JSON.parse(token.stdout).token, /^roster_scim_[A-Za-z0-9_-]{43}$/);
    const scim = await fetch(`http://127.0.0.1:${served.port}/scim/v2/Users`, { headers: { Authorization: `Bearer ${JSON.parse(token.stdout).token}` } });
    assert.equal(scim.status, 200, 'the server knows the token at once');

    const link = await runRoster(['login-link', '--org', organizationId, '--email', 'ada@acme.test'], env);
    assert.equal(link.code, 0, link.stderr);
    const issued = JSON.parse(link.stdout);
    assert.deepEqual(Object.keys(issued).sort(), ['expiresAt', 'memberId', 'url']);
    assert.match(issued.url, new RegExp(`^${publicUrl}/auth/email/verify\\?token=roster_link_[A-Za-z0-9_-]{43}$`));
    assert.equal(issued.memberId, adminMemberId);

    const signIn = await fetch(`http://127.0.0.1:${served.port}/auth/email`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'ada@acme.test' }),
    });
    assert.equal(signIn.status, 202);
    const outbox = await runRoster(['outbox', '--to', 'ada@acme.test', '--limit', '1'], env);
    assert.equal(outbox.code, 0, outbox.stderr);
    const { messages } = JSON.parse(outbox.stdout);
    assert.equal(messages.length, 1);
    assert.equal(messages[0].to, 'ada@acme.test');
    assert.match(messages[0].links[0], new RegExp(`^${publicUrl}/auth/email/verify\\?token=roster_link_`));
    const linkToken = new URL(messages[0].links[0]).searchParams.get('token')!;

    const migrated = await runRoster(['migrate'], env);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.deepEqual(JSON.parse(migrated.stdout).applied, []);
    assert.equal(JSON.parse(migrated.stdout).database, 'embedded');

    const logged = served.output.join('\n');
    assert.match(logged, /running a roster command for a local operator/);
    for (const secret of [issued.url, linkToken, JSON.parse(token.stdout).token]) assert.ok(!logged.includes(secret), 'no token or link in the log');
  });

  it('answer usage errors with exit code 2 and domain errors with exit code 1, as a direct run does', async () => {
    const usage = await runRoster(['seats', 'set', '--org', '00000000-0000-7000-8000-000000000000', '--product', 'chat', '--limit', 'ten'], env);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--limit must be a whole number/);
    const missing = await runRoster(['seats', 'set', '--org', '00000000-0000-7000-8000-000000000000', '--product', 'chat', '--limit', '1'], env);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /Organization .* not found \(organization_not_found\)/);
  });

  it('reach the server through a socket only its user can open, gone when it stops; a second server is still refused', async () => {
    const socket = path.join(dataDir, 'roster.sock');
    const stat = fs.statSync(socket);
    assert.ok(stat.isSocket());
    assert.equal(stat.mode & 0o777, 0o600);

    const second = await runRoster(['serve'], { ...env, PORT: '0' });
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`in use by process ${served.child.pid}`));

    assert.equal(await served.stop(), 0);
    assert.ok(!fs.existsSync(socket), 'the socket is removed');
    const direct = await runRoster(['outbox', '--limit', '1'], env);
    assert.equal(direct.code, 0, direct.stderr);
    assert.equal(JSON.parse(direct.stdout).messages.length, 1, 'without a server the command opens the database itself');
  });
});
