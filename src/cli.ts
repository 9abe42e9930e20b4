#!/usr/bin/env node
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { Database } from './db/connection.js';
import { migrateToLatest } from './db/migrator.js';
import { inTransaction } from './db/transaction.js';
import { DomainError } from './errors.js';
import { checkDatabaseReachable, openConfiguredDatabase, serve } from './main.js';
import { createScimToken } from './org/credentials.service.js';
import { createOrganization } from './org/organizations.service.js';
import { setSeatLimit } from './org/seats.service.js';
import { StartUpError } from './start-up-error.js';
import type { Actor } from './org/types.js';
import { SessionTokens } from './sso/session-tokens.js';
import { createOperatorSignInLink } from './sso/sign-in.service.js';

/**
 * `roster`: the operator's command line. Every command prints one JSON document
 * on stdout; errors go to stderr with a non-zero exit code (2 for usage).
 */

const usage = `Usage: roster <command> [options]

Commands:
  migrate                                           bring the database schema up to date
  serve                                             migrate, then serve HTTP on PORT (what npm start runs)
  org create --name NAME --admin-email EMAIL        create an Organization with its first Admin
  scim-token create --org ORG_ID [--name NAME]      issue a SCIM bearer token (shown only here)
  seats set --org ORG_ID --product PRODUCT --limit N   set a product's seat limit
  login-link --org ORG_ID --email EMAIL             a one-time sign-in URL for an existing member (15 minutes)
  signing-key rotate                                start signing session tokens with a new key

Options:
  --help, -h                                        this text
  --version                                         print Roster's version (plain text, e.g. 0.1.0)

The database is DATABASE_URL, or the embedded one in EMBEDDED_DB_DIR.`;

const operator: Actor = { type: 'system', id: 'cli' };

class UsageError extends Error {}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** The package's version: package.json sits two levels above this file, in the source tree and in `dist/` alike. */
function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

async function withDatabase<T>(config: Config, work: (database: Database) => Promise<T>): Promise<T> {
  await checkDatabaseReachable(config);
  const database = openConfiguredDatabase(config);
  try {
    await migrateToLatest(database.knex);
    return await work(database);
  } finally {
    await database.close();
  }
}

async function run(argv: string[]): Promise<unknown> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      'admin-email': { type: 'string' },
      org: { type: 'string' },
      product: { type: 'string' },
      limit: { type: 'string' },
      email: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
  const command = positionals.join(' ');
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return undefined;
  }
  if (values.help || command === '' || command === 'help') {
    process.stdout.write(`${usage}\n`);
    return undefined;
  }
  const config = loadConfig();
  switch (command) {
    case 'migrate': {
      await checkDatabaseReachable(config);
      const database = openConfiguredDatabase(config);
      try {
        const result = await migrateToLatest(database.knex);
        return { database: database.kind, applied: result.applied, current: result.current };
      } finally {
        await database.close();
      }
    }
    case 'serve':
      await serve(config);
      return undefined;
    case 'org create': {
      const name = required(values, 'name');
      const adminEmail = required(values, 'admin-email');
      return withDatabase(config, async ({ knex }) => {
        const created = await inTransaction(knex, (tx) => createOrganization(tx, operator, { name, adminEmail }));
        return { organizationId: created.organization.id, adminMemberId: created.admin.id };
      });
    }
    case 'scim-token create': {
      const organizationId = required(values, 'org');
      return withDatabase(config, async ({ knex }) => {
        const created = await inTransaction(knex, (tx) => createScimToken(tx, operator, organizationId, values.name ?? 'SCIM token'));
        return { id: created.scimToken.id, token: created.token };
      });
    }
    case 'seats set': {
      const organizationId = required(values, 'org');
      const product = required(values, 'product');
      const limitText = required(values, 'limit');
      if (!/^\d+$/.test(limitText)) throw new UsageError('--limit must be a whole number');
      return withDatabase(config, async ({ knex }) => {
        const pool = await inTransaction(knex, (tx) => setSeatLimit(tx, operator, organizationId, product, Number(limitText)));
        return { organizationId, product: pool.product, limit: pool.limit, assigned: pool.assigned, available: pool.available };
      });
    }
    case 'login-link': {
      const organizationId = required(values, 'org');
      const email = required(values, 'email');
      return withDatabase(config, async ({ knex }) => {
        const link = await inTransaction(knex, (tx) => createOperatorSignInLink(tx, { organizationId, email, publicUrl: config.publicUrl }));
        return { url: link.url, expiresAt: link.expiresAt.toISOString(), memberId: link.memberId };
      });
    }
    case 'signing-key rotate':
      return withDatabase(config, async ({ knex }) => new SessionTokens(knex, config.publicUrl, config.sessionTokenTtlMs).rotate());
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

run(process.argv.slice(2)).then(
  (result) => {
    if (result !== undefined) process.stdout.write(`${JSON.stringify(result)}\n`);
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`roster: ${(error as Error).message}\n\n${usage}\n`);
      process.exitCode = 2;
    } else if (error instanceof StartUpError) {
      process.stderr.write(`roster: ${error.message}\n`);
      process.exitCode = 1;
    } else if (error instanceof ConfigError) {
      process.stderr.write(`roster: configuration error: ${error.message}\n`);
      process.exitCode = 1;
    } else if (error instanceof DomainError) {
      process.stderr.write(`roster: ${error.message} (${error.code})\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`roster: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
    // Whatever failed may have left a timer or a socket behind; a failed command must still end
    // now (stderr is written synchronously to files and pipes, so the message is out).
    process.exit();
  },
);
