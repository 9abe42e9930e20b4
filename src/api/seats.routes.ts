import type { Knex } from 'knex';
import { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import { listSeatPools, setSeatLimit } from '../org/seats/seats.service.js';
import type { SeatPool } from '../org/seats/types.js';
import { defineRoute, type ApiRoute } from './registry.js';

const seatPoolSchema = z
  .object({
    product: z.string(),
    limit: z.number().int(),
    assigned: z.number().int(),
    available: z.number().int(),
  })
  .meta({ id: 'SeatPool' });

function presentSeatPool(pool: SeatPool): z.infer<typeof seatPoolSchema> {
  return { product: pool.product, limit: pool.limit, assigned: pool.assigned, available: pool.available };
}

const limitBody = z.object({ limit: z.number().int().min(0).max(10_000_000) }).strict();
const seatKeepers = ['admin', 'billing'] as const;
const tag = 'Seats';

/** `/seats`: the Organization's seat pools, one per product; Admins and Billing read them and set their limits. */
export function seatRoutes(db: Knex): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/seats',
      operationId: 'listSeatPools',
      summary: 'List the seat pools: limit, assigned and available seats per product',
      tag,
      roles: seatKeepers,
      response: { status: 200, schema: z.object({ pools: z.array(seatPoolSchema) }) },
      handle: async ({ caller }) => ({ pools: (await inTransaction(db, (tx) => listSeatPools(tx, caller.organizationId))).map(presentSeatPool) }),
    }),
    defineRoute({
      method: 'put',
      path: '/seats/{product}',
      operationId: 'setSeatLimit',
      summary: 'Set a product’s seat limit (creates the pool); never below the seats assigned',
      tag,
      roles: seatKeepers,
      body: limitBody,
      response: { status: 200, schema: seatPoolSchema },
      handle: async ({ caller, params, body }) =>
        presentSeatPool(await inTransaction(db, (tx) => setSeatLimit(tx, caller.actor, caller.organizationId, params.product!, body.limit))),
    }),
  ];
}
