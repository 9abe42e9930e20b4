/**
 * For the knex CLI and editors. Roster itself migrates with `roster migrate`
 * (or on `npm start`), which also guards the embedded database against a
 * second process; prefer it.
 */
import type { Knex } from 'knex';
import { loadConfig } from './src/config.js';
import { knexConfig } from './src/db/connection.js';
import { migrationConfig } from './src/db/migrator.js';

/**
 * A function, which the knex CLI calls when it needs the configuration: loading
 * this file opens nothing, so only a CLI command run against the embedded
 * database opens (and creates) its folder.
 */
export default function knexfile(): Knex.Config {
  const config = loadConfig();
  return {
    ...knexConfig({ url: config.databaseUrl, embeddedDir: config.embeddedDbDir, poolMax: config.databasePoolMax, timeouts: config.databaseTimeouts }),
    migrations: migrationConfig,
  };
}
