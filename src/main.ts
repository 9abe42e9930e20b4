import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/connection.js';
import { migrateToLatest } from './db/migrator.js';
import type { HealthState } from './http/health.js';
import { createLogger, setRootLogger } from './log.js';
import { mailTransportFor, startMailDelivery } from './mail/outbox.js';
import { listenForCommands } from './operator/control-socket.js';
import { startHousekeeping } from './sso/housekeeping.js';

export interface RunningServer {
  server: Server;
  port: number;
  database: Database;
  logger: Logger;
  /** Stops accepting, lets in-flight requests finish (up to the timeout), then closes the pool. */
  shutdown(signal?: string): Promise<void>;
}

export function openConfiguredDatabase(config: Config): Database {
  return openDatabase({ url: config.databaseUrl, embeddedDir: config.embeddedDbDir, poolMax: config.databasePoolMax, timeouts: config.databaseTimeouts });
}

/** Opens the database, brings its schema up to date and serves on `config.port`. */
export async function startServer(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  setRootLogger(logger);
  const database = openConfiguredDatabase(config);
  try {
    const { applied } = await migrateToLatest(database.knex);
    logger.info({ database: database.kind, migrationsApplied: applied.length }, 'database ready');
  } catch (error) {
    await database.close();
    throw error;
  }
  const health: HealthState = { shuttingDown: false };
  const app = createApp({ config, knex: database.knex, logger, health });
  const transport = mailTransportFor(config, database.kind, logger);
  const mail = startMailDelivery(database.knex, transport, logger);
  const housekeeping = startHousekeeping(database.knex, logger);
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const port = (server.address() as AddressInfo).port;
  // Only this process may open the embedded database: `roster` commands reach it through this server.
  const commands = database.kind === 'embedded' ? await listenForCommands(config.embeddedDbDir, { knex: database.knex, kind: database.kind, config }, logger) : undefined;
  logger.info({ port, publicUrl: config.publicUrl }, 'roster listening');

  let stopping: Promise<void> | undefined;
  const shutdown = (signal = 'shutdown') =>
    (stopping ??= (async () => {
      logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
      health.shuttingDown = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs, 'timeout').unref());
      if ((await Promise.race([closed, timeout])) === 'timeout') {
        logger.warn({ timeoutMs: config.shutdownTimeoutMs }, 'requests still in flight at the shutdown timeout; closing them');
        server.closeAllConnections();
      }
      housekeeping.stop();
      await mail.stop();
      await commands?.close();
      await database.close();
      logger.info('shutdown complete');
    })());
  return { server, port, database, logger, shutdown };
}

/** `roster serve`: runs until SIGTERM or SIGINT, then shuts down gracefully. */
export async function serve(config: Config): Promise<void> {
  const running = await startServer(config);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      running.shutdown(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          running.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
