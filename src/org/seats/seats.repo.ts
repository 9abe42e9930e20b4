import type { Tx } from '../../db/transaction.js';
import type { SeatPool } from './types.js';

interface SeatPoolRow {
  organization_id: string;
  product: string;
  seat_limit: number;
  assigned: number;
}

function rowToSeatPool(row: SeatPoolRow): SeatPool {
  return {
    organizationId: row.organization_id,
    product: row.product,
    limit: row.seat_limit,
    assigned: row.assigned,
    available: Math.max(0, row.seat_limit - row.assigned),
  };
}

export async function lockSeatPool(tx: Tx, organizationId: string, product: string): Promise<SeatPool | undefined> {
  const row = await tx<SeatPoolRow>('seat_pools').where({ organization_id: organizationId, product }).forUpdate().first();
  return row && rowToSeatPool(row);
}

export async function selectSeatPools(tx: Tx, organizationId: string): Promise<SeatPool[]> {
  const rows = await tx<SeatPoolRow>('seat_pools').where({ organization_id: organizationId }).orderBy('product');
  return rows.map(rowToSeatPool);
}

export async function upsertSeatPool(tx: Tx, organizationId: string, product: string, limit: number): Promise<SeatPool> {
  const [row] = (await tx('seat_pools')
    .insert({ organization_id: organizationId, product, seat_limit: limit })
    .onConflict(['organization_id', 'product'])
    .merge({ seat_limit: limit, updated_at: tx.fn.now() })
    .returning('*')) as SeatPoolRow[];
  return rowToSeatPool(row!);
}

/** Inserts the assignment (the pool's counter follows by trigger); false when it already existed. */
export async function insertSeatAssignment(tx: Tx, organizationId: string, product: string, memberId: string): Promise<boolean> {
  const rows = await tx('seat_assignments')
    .insert({ organization_id: organizationId, product, member_id: memberId })
    .onConflict(['organization_id', 'product', 'member_id'])
    .ignore()
    .returning('member_id');
  return rows.length > 0;
}

export async function deleteSeatAssignment(tx: Tx, organizationId: string, product: string, memberId: string): Promise<boolean> {
  return (await tx('seat_assignments').where({ organization_id: organizationId, product, member_id: memberId }).delete().returning('member_id')).length > 0;
}

export async function selectSeatsOf(tx: Tx, organizationId: string, memberId: string): Promise<string[]> {
  const rows = (await tx('seat_assignments')
    .where({ organization_id: organizationId, member_id: memberId })
    .orderByRaw('product COLLATE "C"')
    .select('product')) as Array<{ product: string }>;
  return rows.map((row) => row.product);
}
