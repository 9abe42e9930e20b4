import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/connection.js';
import { migrateDatabase } from './db/migrator.js';
import { checkPostgresReachable } from './db/reachability.js';
import { trackConnections } from './http/connections.js';
import type { HealthState } from './http/health.js';
import { createLogger, setRootLogger } from './log.js';
import { mailTransportFor, startMailDelivery } from './mail/outbox.js';
import { listenForCommands } from './operator/control-socket.js';
import { StartUpError } from './start-up-error.js';
import { startHousekeeping } from './sso/housekeeping.js';

export interface RunningServer {
  server: Server;
  port: number;
  database: Database;
  logger: Logger;
  /** Stops accepting, lets in-flight requests finish (up to the timeout), then closes the pool. */
  shutdown(signal?: string): Promise<void>;
}

/**
 * At shutdown, how long a connection that is open but idle may still bring a request (it is
 * answered, with `Connection: close`) before Roster closes it: long enough that a request
 * already on its way when the signal came is read and answered rather than reset.
 */
const idleGraceMs = 1_000;

export function openConfiguredDatabase(config: Config): Database {
  return openDatabase({ url: config.databaseUrl, embeddedDir: config.embeddedDbDir, poolMax: config.databasePoolMax, timeouts: config.databaseTimeouts });
}

/** Throws a one-line StartUpError when PostgreSQL cannot be used; nothing to check for the embedded database. */
export async function checkDatabaseReachable(config: Config): Promise<void> {
  if (config.databaseUrl) await checkPostgresReachable(config.databaseUrl);
}

/** Until the schema is current: the process is up, and nothing else is ready yet. */
const startingUp: RequestListener = (req, res) => {
  const up = req.url === '/healthz';
  res.writeHead(up ? 200 : 503, { 'Content-Type': 'application/json; charset=utf-8', ...(up ? {} : { 'Retry-After': '1' }) });
  res.end(JSON.stringify(up ? { status: 'ok' } : { status: 'unavailable', reason: 'starting' }));
};

/**
 * Takes the port, then opens the database, brings its schema up to date and serves on
 * `config.host`:`config.port`. The port comes first so that one already in use stops Roster
 * at once, before it migrates anything or holds the embedded database.
 */
export async function startServer(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  setRootLogger(logger);
  const server = createServer();
  const connections = trackConnections(server);
  let handler = startingUp;
  server.on(
    'request',
    connections.listener((req, res) => handler(req, res)),
  );
  await listen(server, config);
  const health: HealthState = { shuttingDown: false };
  let database: Database | undefined;
  try {
    await checkDatabaseReachable(config);
    database = openConfiguredDatabase(config);
    const { applied } = await migrateDatabase(database.knex, database.kind, config.databaseUrl, config.databaseTimeouts);
    logger.info({ database: database.kind, migrationsApplied: applied.length }, 'database ready');
    handler = createApp({ config, knex: database.knex, logger, health });
  } catch (error) {
    await connections.close(0, 0);
    await database?.close();
    throw error;
  }
  const db = database;
  const { knex } = db;
  const transport = mailTransportFor(config, db.kind, logger);
  const mail = startMailDelivery(knex, transport, logger);
  const housekeeping = startHousekeeping(knex, logger);
  const port = (server.address() as AddressInfo).port;
  // Only this process may open the embedded database: `roster` commands reach it through this server.
  const commands = db.kind === 'embedded' ? await listenForCommands(config.embeddedDbDir, { knex, kind: db.kind, config }, logger) : undefined;
  logger.info({ port, host: config.host ?? 'all interfaces', publicUrl: config.publicUrl }, 'roster listening');

  let stopping: Promise<void> | undefined;
  const shutdown = (signal = 'shutdown') =>
    (stopping ??= (async () => {
      logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
      health.shuttingDown = true;
      const outcome = await connections.close(Math.min(idleGraceMs, config.shutdownTimeoutMs), config.shutdownTimeoutMs);
      if (outcome === 'timeout') {
        logger.warn({ timeoutMs: config.shutdownTimeoutMs }, 'requests still in flight at the shutdown timeout; closed their connections');
      }
      housekeeping.stop();
      await mail.stop();
      await commands?.close();
      await db.close();
      logger.info('shutdown complete');
    })());
  return { server, port, database: db, logger, shutdown };
}

function listen(server: Server, config: Config): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(listenFailure(error, config));
    server.once('error', failed);
    server.listen(config.port, config.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

function listenFailure(error: NodeJS.ErrnoException, config: Config): Error {
  const where = `port ${config.port} on ${config.host ?? 'all interfaces'}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new StartUpError(`${where} is already in use; set PORT (or HOST) to another, or stop what listens there`, { cause: error });
    case 'EACCES':
      return new StartUpError(`no permission to listen on ${where}; set PORT to 1024 or above`, { cause: error });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartUpError(`cannot listen on ${where}: HOST is not an address of this machine; set HOST`, { cause: error });
    default:
      return error;
  }
}

/**
 * `roster serve`: runs until SIGTERM or SIGINT, then shuts down gracefully and exits 0.
 * Every such signal is handled, not only the first: a supervisor that signals the process
 * group reaches this process both directly and through `npm start`, which forwards what it
 * gets, and the second copy must not kill a shutdown in progress.
 */
export async function serve(config: Config): Promise<void> {
  const running = await startServer(config);
  const stop = (signal: NodeJS.Signals) => {
    running.shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        running.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
