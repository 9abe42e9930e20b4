#!/usr/bin/env node
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { Database } from './db/connection.js';
import { EmbeddedDatabaseInUseError } from './db/embedded-lock.js';
import { migrateDatabase } from './db/migrator.js';
import { DomainError } from './errors.js';
import { checkDatabaseReachable, openConfiguredDatabase, serve } from './main.js';
import { openApiDocumentOffline } from './openapi-document.js';
import { isOperatorCommand, runOperatorCommand, UsageError, type CommandOptions } from './operator/commands.js';
import { sendCommand } from './operator/control-socket.js';
import { StartUpError } from './start-up-error.js';

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
  signing-key rotate                                publish a new session-token signing key (signs from 70 s on)
  openapi                                           the OpenAPI document /api/v1/openapi.json serves (no database needed)
  outbox [--to EMAIL] [--limit N]                   the latest mail Roster wrote (newest first, 10 unless told), with its links

Options:
  --help, -h                                        this text
  --version                                         print Roster's version (plain text, e.g. 0.1.0)

The database is DATABASE_URL, or the embedded one in EMBEDDED_DB_DIR. While
\`roster serve\` runs on the embedded database, commands are run by that server.`;

/** The package's version: package.json sits two levels above this file, in the source tree and in `dist/` alike. */
function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * Runs an operator command on the configured database. When `roster serve`
 * holds the embedded database, the server runs it instead (same code, same
 * answer), reached through its socket in the data folder.
 */
async function runCommand(config: Config, command: string, options: CommandOptions): Promise<unknown> {
  await checkDatabaseReachable(config);
  let database: Database;
  try {
    database = openConfiguredDatabase(config);
  } catch (error) {
    if (!(error instanceof EmbeddedDatabaseInUseError)) throw error;
    const sent = await sendCommand(error.dir, command, options);
    if (!sent) throw error;
    return sent.result;
  }
  try {
    if (command !== 'migrate') await migrateDatabase(database.knex, database.kind, config.databaseUrl, config.databaseTimeouts);
    return await runOperatorCommand({ knex: database.knex, kind: database.kind, config }, command, options);
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
      to: { type: 'string' },
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
  if (command === 'openapi') return openApiDocumentOffline(config.publicUrl);
  if (command === 'serve') {
    await serve(config);
    return undefined;
  }
  if (!isOperatorCommand(command)) throw new UsageError(`unknown command "${command}"`);
  const options = Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  return runCommand(config, command, options);
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
