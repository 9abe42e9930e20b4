/**
 * For the knex CLI and editors. Roster itself migrates with `roster migrate`
 * (or on `npm start`), which also guards the embedded database against a
 * second process; prefer it.
 */
import type { Knex } from 'knex';
import { loadConfig } from './src/config.js';
import { knexConfig } from './src/db/connection.js';
import { migrationConfig } from './src/db/migrator.js';

const config = loadConfig();

const knexfile: Knex.Config = {
  ...knexConfig({ url: config.databaseUrl, embeddedDir: config.embeddedDbDir, poolMax: config.databasePoolMax, timeouts: config.databaseTimeouts }),
  migrations: migrationConfig,
};

export default knexfile;
