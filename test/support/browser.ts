import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { db } from './database.js';
import { testConfig } from './scim.js';
import { packageRoot } from './served.js';

/**
 * Browser tests: the system Chromium driven by playwright-core (nothing is downloaded)
 * against a real Roster listening on a loopback port, on the test database. Every page a
 * test visits is checked by axe (no serious or critical violation) and photographed.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Screenshots go to dist/screenshots/ (git-ignored) on an ordinary run, so tests leave the
 * tree clean; `SCREENSHOTS=update` writes them to docs/screenshots/, which the README shows.
 */
const screenshotDir = path.join(packageRoot, process.env.SCREENSHOTS === 'update' ? 'docs/screenshots' : 'dist/screenshots');

/**
 * `describe` for browser tests. Without Chromium they are skipped with a message, except
 * under CI (where `.ci/run` installs it), where that is a failure.
 */
export function describeInBrowser(title: string, body: (this: Mocha.Suite) => void): void {
  if (existsSync(chromiumPath)) {
    describe(title, body);
    return;
  }
  if (process.env.CI) {
    describe(title, () => {
      it('needs Chromium', () => {
        throw new Error(`${chromiumPath} is missing; CI installs Debian's chromium package (.ci/run)`);
      });
    });
    return;
  }
  describe(title, () => {
    it(`skipped: no Chromium at ${chromiumPath} (install Debian's chromium package, or set CHROMIUM_PATH)`, function () {
      this.skip();
    });
  });
}

export interface RosterInBrowser {
  /** Roster's origin, e.g. http://127.0.0.1:40123 (also its PUBLIC_URL). */
  url: string;
  browser: Browser;
  /** A fresh browser profile (no cookies), with its page; errors the page logs are collected. */
  newPage(): Promise<ConsolePage>;
  close(): Promise<void>;
}

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** What the browser refused or the page threw: CSP violations, uncaught errors. */
  problems: string[];
}

/** Roster on a real port whose PUBLIC_URL is that port's origin, so links in mail and the cookie's Origin check match. */
async function listenRoster(overrides: Partial<Config>): Promise<{ url: string; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = createApp({ config: testConfig({ publicUrl: url, port: 0, ...overrides }), knex: db(), logger: createLogger('silent'), checkApiResponses: true });
  server.on('request', app);
  return { url, server };
}

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts Roster and Chromium for a test file. Playwright's `launch` gives the browser a
 * fresh temporary user-data directory each time, and each `newPage` a fresh context.
 */
/**
 * Registers the suite's `before` and `after` hooks that start Roster in a browser and close it
 * again, so each browser test file states only what it tests. The answer reads the running
 * Roster at call time; use it inside tests and hooks.
 */
export function useRosterInBrowser(overrides: () => Partial<Config> = () => ({})): Omit<RosterInBrowser, 'close'> {
  let started: RosterInBrowser | undefined;
  before(async () => {
    started = await startRosterInBrowser(overrides());
  });
  after(async () => {
    await started?.close();
  });
  const current = (): RosterInBrowser => {
    if (!started) throw new Error('Roster is not running yet: use it inside a test or hook');
    return started;
  };
  return {
    get url() {
      return current().url;
    },
    get browser() {
      return current().browser;
    },
    newPage: () => current().newPage(),
  };
}

export async function startRosterInBrowser(overrides: Partial<Config> = {}): Promise<RosterInBrowser> {
  const { url, server } = await listenRoster(overrides);
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
  const contexts: BrowserContext[] = [];
  return {
    url,
    browser,
    async newPage() {
      const context = await browser.newContext({ baseURL: url, viewport: { width: 1200, height: 800 } });
      contexts.push(context);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
      });
      return { page, context, problems };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The checks every visited page gets, once it shows what it should: axe finds no serious or
 * critical violation, the browser refused nothing and nothing threw; then a screenshot,
 * `<name>.png`.
 */
export async function checkPage({ page, problems }: ConsolePage, name: string): Promise<void> {
  if (problems.length > 0) throw new Error(`the browser reported on ${name}:\n${problems.join('\n')}`);
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  if (bad.length > 0) {
    const summary = bad.map(
      (violation) => `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join('; ')})`,
    );
    throw new Error(`accessibility violations on ${name}:\n${summary.join('\n')}`);
  }
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}
