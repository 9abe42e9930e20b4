import { Router } from 'express';
import type { Knex } from 'knex';
import { pendingMigrations } from '../db/migrator.js';
import { log } from '../log.js';

export interface HealthState {
  /** Set when shutdown begins, so load balancers stop sending traffic before the port closes. */
  shuttingDown: boolean;
}

/**
 * How long `/readyz` waits for the database before it answers "not ready". Its own
 * clock, within the 2 s a load balancer's probe allows: a partition can leave the
 * pool's connections hanging longer, and the probe must not wait behind them.
 */
const readinessDeadlineMs = 1_500;

/** `/healthz`: the process is up. `/readyz`: the database answers and its schema is current. */
export function healthRoutes(knex: Knex, state: HealthState): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (state.shuttingDown) {
      res.status(503).json({ status: 'unavailable', reason: 'shutting down' });
      return;
    }
    try {
      const pending = await withinDeadline(checkDatabase(knex), readinessDeadlineMs);
      if (pending.length > 0) {
        res.status(503).json({ status: 'unavailable', reason: 'migrations pending', pending });
        return;
      }
      res.json({ status: 'ready' });
    } catch (error) {
      log().warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
  return router;
}

/** The migrations still pending, once the database has answered. */
async function checkDatabase(knex: Knex): Promise<string[]> {
  await knex.raw('select 1');
  return pendingMigrations(knex);
}

function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms} ms`)), ms);
  });
  // The check goes on after the deadline (until the pool's own clocks end it); its late failure is not news.
  work.catch(() => {});
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
