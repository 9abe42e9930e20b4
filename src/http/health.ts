import { Router } from 'express';
import type { Knex } from 'knex';
import { pendingMigrations } from '../db/migrator.js';
import { log } from '../log.js';

export interface HealthState {
  /** Set when shutdown begins, so load balancers stop sending traffic before the port closes. */
  shuttingDown: boolean;
}

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
      await knex.raw('select 1');
      const pending = await pendingMigrations(knex);
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
