import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { checkPage, chromiumPath, describeInBrowser, type ConsolePage } from '../support/browser.js';
import { readmeBlock } from '../support/readme.js';
import { packageRoot, serve, type Served } from '../support/served.js';

const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The README's "First steps in the browser", as a newcomer does them: Roster served on its
 * embedded default (a fresh database, no DATABASE_URL, no SMTP), the README's own commands
 * for the Organization and the outbox, and everything else clicked in Chromium.
 */
describeInBrowser('the README’s first steps in a browser, on the embedded database', function () {
  this.timeout(120_000);
  let work: string;
  let served: Served;
  let browser: Browser;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'roster-first-steps-'));
    const port = await freePort();
    env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), EMBEDDED_DB_DIR: path.join(work, 'pglite') };
    served = await serve(env);
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  after(async () => {
    await browser?.close();
    served?.child.kill('SIGTERM');
    await served?.exited;
    rmSync(work, { recursive: true, force: true });
  });

  /** A README block run by bash in Roster's folder, as terminal 2 runs it; answers its last line of output. */
  async function terminal(block: string): Promise<string> {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', readmeBlock(block)], { cwd: packageRoot, env });
    const last = stdout.trim().split('\n').at(-1) ?? '';
    assert.match(last, /^http:\/\/localhost:\d+\//, `the ${block} block printed ${stdout}`);
    return last;
  }

  async function newPage(): Promise<ConsolePage> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    return { page, context, problems };
  }

  it('starts Roster, lets its first Admin sign in and invite someone, and that person joins', async () => {
    const ada = await newPage();
    await ada.page.goto(await terminal('console-admin'));
    await ada.page.getByRole('button', { name: 'Sign in to Roster' }).click();
    await ada.page.getByRole('button', { name: 'Account: ada@acme.com' }).waitFor();
    assert.match(await ada.page.getByRole('button', { name: 'Account: ada@acme.com' }).innerText(), /Admin/);

    await ada.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Members' }).click();
    await ada.page.getByRole('button', { name: 'Invite members' }).click();
    const dialog = ada.page.getByRole('dialog', { name: 'Invite members' });
    await dialog.getByLabel('Email addresses').fill('bob@acme.com');
    await dialog.getByLabel('Role').selectOption({ label: 'Member' });
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    assert.match(await dialog.getByRole('list', { name: 'Invitation results' }).innerText(), /bob@acme\.com: Invited/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await ada.page.getByRole('tab', { name: 'Invited Users' }).click();
    await ada.page.getByRole('row').filter({ hasText: 'bob@acme.com' }).waitFor();
    await checkPage(ada, 'first-steps-invited');

    const bob = await newPage();
    const join = await terminal('console-invitee');
    assert.match(join, /\/join\/roster_invite_/);
    await bob.page.goto(join);
    await bob.page.getByRole('heading', { name: 'Join Acme' }).waitFor();
    await bob.page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await bob.page.getByText('Check your mail').waitFor();
    const signIn = await terminal('console-invitee');
    assert.match(signIn, /\/auth\/email\/verify/);
    await bob.page.goto(signIn);
    await bob.page.getByRole('button', { name: 'Sign in to Roster' }).click();
    await bob.page.getByRole('button', { name: 'Join Acme' }).click();
    await bob.page.getByLabel('First name').fill('Bob');
    await bob.page.getByLabel('Last name').fill('Builder');
    await bob.page.getByRole('button', { name: 'Save and open the console' }).click();
    const account = bob.page.getByRole('button', { name: 'Account: bob@acme.com' });
    await account.waitFor();
    assert.match(await account.innerText(), /Member/);
    await checkPage(bob, 'first-steps-joined');

    // Ada's list now holds Bob as an active Member.
    await ada.page.reload();
    await ada.page.getByRole('tab', { name: 'Active Users' }).click();
    assert.match(await ada.page.getByRole('row').filter({ hasText: 'bob@acme.com' }).innerText(), /Bob Builder/);
  });
});
