import { isId } from '../../db/ids.js';
import type { Tx } from '../../db/transaction.js';
import { ConflictError, InvalidInputError, NoSeatsAvailableError, NotFoundError } from '../../errors.js';
import { recordEvent } from '../audit/audit.service.js';
import { bumpMember, lockMember } from '../members/members.repo.js';
import { selectOrganization } from '../organizations/organizations.repo.js';
import { deleteSeatAssignment, insertSeatAssignment, lockSeatPool, selectSeatPools, selectSeatsOf, upsertSeatPool } from './seats.repo.js';
import type { Actor } from '../organizations/types.js';
import type { Member } from '../members/types.js';
import type { SeatPool } from './types.js';
import { ChangedMeanwhileError } from '../organizations/versions.js';
import { requireProduct, requireSeatLimit } from '../organizations/validation.js';

/**
 * Seats: one pool per product, assigned ≤ limit always (invariant 2). An
 * assignment locks the pool row and checks the count before inserting; the
 * pool's CHECK constraint backs the rule in the database itself.
 */

export async function setSeatLimit(tx: Tx, actor: Actor, organizationId: string, product: string, limit: number): Promise<SeatPool> {
  const name = requireProduct(product);
  const newLimit = requireSeatLimit(limit);
  if (!isId(organizationId) || !(await selectOrganization(tx, organizationId))) throw new NotFoundError('organization', organizationId);
  const current = await lockSeatPool(tx, organizationId, name);
  if (current && newLimit < current.assigned) {
    throw new ConflictError(
      'seat_limit_below_assigned',
      `${current.assigned} ${name} seats are assigned; release ${current.assigned - newLimit} before lowering the limit to ${newLimit}.`,
      { product: name, limit: newLimit, assigned: current.assigned },
    );
  }
  if (current?.limit === newLimit) return current;
  const pool = await upsertSeatPool(tx, organizationId, name, newLimit);
  await recordEvent(tx, organizationId, actor, {
    action: 'seat_pool.limit_set',
    target: { type: 'seat_pool', id: name },
    data: { from: current?.limit ?? null, to: newLimit },
  });
  return pool;
}

export function listSeatPools(tx: Tx, organizationId: string): Promise<SeatPool[]> {
  return selectSeatPools(tx, organizationId);
}

export function seatsOf(tx: Tx, organizationId: string, memberId: string): Promise<string[]> {
  return selectSeatsOf(tx, organizationId, memberId);
}

/** Takes one seat of each product for a member the caller holds locked; all or nothing. Returns the products newly taken. */
export async function takeSeats(tx: Tx, organizationId: string, memberId: string, products: string[]): Promise<string[]> {
  const taken: string[] = [];
  for (const product of [...new Set(products.map(requireProduct))].sort()) {
    const pool = await lockSeatPool(tx, organizationId, product);
    if (!pool) throw unknownProduct(product);
    if (!(await insertSeatAssignmentIfFree(tx, pool, memberId))) continue;
    taken.push(product);
  }
  return taken;
}

function unknownProduct(product: string): InvalidInputError {
  return new InvalidInputError('unknown_product', `The Organization has no seat pool for product "${product}"`, { product });
}

/**
 * Refuses products the Organization has no seat pool for, with the error `takeSeats`
 * gives, in the same order: a request naming one is refused alike whether or not
 * seats could be taken at all (a suspended member's, say).
 */
async function requireSeatPools(tx: Tx, organizationId: string, products: string[]): Promise<void> {
  const wanted = [...new Set(products.map(requireProduct))].sort();
  if (wanted.length === 0) return;
  const known = new Set((await selectSeatPools(tx, organizationId)).map((pool) => pool.product));
  const missing = wanted.find((product) => !known.has(product));
  if (missing !== undefined) throw unknownProduct(missing);
}

async function insertSeatAssignmentIfFree(tx: Tx, pool: SeatPool, memberId: string): Promise<boolean> {
  const held = await selectSeatsOf(tx, pool.organizationId, memberId);
  if (held.includes(pool.product)) return false;
  if (pool.assigned >= pool.limit) throw new NoSeatsAvailableError(pool.product, pool.limit, pool.assigned);
  return insertSeatAssignment(tx, pool.organizationId, pool.product, memberId);
}

async function lockSeatHolder(tx: Tx, organizationId: string, memberId: string): Promise<Member> {
  const member = isId(memberId) ? await lockMember(tx, organizationId, memberId) : undefined;
  if (!member) throw new NotFoundError('member', memberId);
  return member;
}

/**
 * Invariant 5: a suspended member holds no seats, so neither a change that leaves the
 * member suspended nor the create of a suspended member can give them one. Seats they
 * hold now are no contradiction (the suspension releases them); any other product is
 * refused, after the checks an active member's request gets (product name, seat pool),
 * so that an unknown product is refused alike in either state. A member seen without a
 * lock (`guard`) may have changed since: the refusal stands only on the member as it is now.
 */
export async function refuseNewSeatsOfSuspended(
  tx: Tx,
  member: Pick<Member, 'id' | 'organizationId' | 'userName'>,
  held: string[],
  wanted: string[],
  guard: number | undefined,
): Promise<void> {
  const added = [...new Set(wanted.map(requireProduct))].filter((product) => !held.includes(product)).sort();
  if (added.length === 0) return;
  await requireSeatPools(tx, member.organizationId, added);
  if (guard !== undefined && (await lockSeatHolder(tx, member.organizationId, member.id)).version !== guard) {
    throw new ChangedMeanwhileError('member', member.id);
  }
  throw new InvalidInputError(
    'seat_for_suspended_member',
    `A suspended member holds no seats: ${member.userName} cannot be given ${added.join(', ')} while suspended; reactivate them first, or in the same change`,
    { products: added },
  );
}

/** Gives the member a seat of the product; no-op when they hold one. */
export async function assignSeat(tx: Tx, actor: Actor, organizationId: string, memberId: string, product: string): Promise<Member> {
  const member = await lockSeatHolder(tx, organizationId, memberId);
  if (member.status !== 'active') {
    throw new ConflictError('member_suspended', `${member.userName} is suspended; reactivate them before assigning a seat`);
  }
  const taken = await takeSeats(tx, organizationId, memberId, [product]);
  if (taken.length === 0) return member;
  const changed = await bumpMember(tx, organizationId, memberId);
  await recordEvent(tx, organizationId, actor, { action: 'seat.assigned', target: { type: 'member', id: memberId }, data: { product: taken[0]! } });
  return changed!;
}

/** Frees the member's seat of the product; no-op when they hold none. */
export async function releaseSeat(tx: Tx, actor: Actor, organizationId: string, memberId: string, product: string): Promise<Member> {
  const name = requireProduct(product);
  const member = await lockSeatHolder(tx, organizationId, memberId);
  if (!(await deleteSeatAssignment(tx, organizationId, name, memberId))) return member;
  const changed = await bumpMember(tx, organizationId, memberId);
  await recordEvent(tx, organizationId, actor, { action: 'seat.released', target: { type: 'member', id: memberId }, data: { product: name } });
  return changed!;
}

/**
 * Locks the pools of `products` and splits the products into those with a free seat
 * now and those without one (the pool is full, or the Organization has none): for a
 * join that takes the seats it can and says which it could not, instead of failing.
 * The pools stay locked to the end of the transaction, so the free seats found can
 * then be taken (`addMember` with `seats`) without racing anyone.
 */
export async function partitionByFreeSeat(tx: Tx, organizationId: string, products: string[]): Promise<{ free: string[]; unavailable: string[] }> {
  const free: string[] = [];
  const unavailable: string[] = [];
  for (const product of [...new Set(products.map(requireProduct))].sort()) {
    const pool = await lockSeatPool(tx, organizationId, product);
    (pool && pool.assigned < pool.limit ? free : unavailable).push(product);
  }
  return { free, unavailable };
}
