import { isId } from '../db/ids.js';
import { InvalidInputError } from '../errors.js';

/**
 * Keyset paging for lists read in a fixed order (sort key, then id): a page
 * continues after the last item of the previous one, so a deep page costs what
 * the first does and a change between two pages skips or repeats nobody who
 * stayed. Adapters carry `Keyset` as an opaque cursor.
 */

/** Where a page ended: the last item's sort key and id. */
export interface Keyset {
  key: string;
  id: string;
}

export interface KeysetQuery {
  limit: number;
  /** Only items after this one in the list's order. */
  after?: Keyset;
}

export interface KeysetPage<T> {
  entries: T[];
  /** Where the next page starts; null on the last page. */
  next: Keyset | null;
}

export const maxPageSize = 200;

export function requireKeysetQuery(query: KeysetQuery): KeysetQuery {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > maxPageSize) {
    throw new InvalidInputError('invalid_limit', `A page holds 1 to ${maxPageSize} items`, { limit: query.limit });
  }
  if (query.after && (typeof query.after.key !== 'string' || !isId(query.after.id))) {
    throw new InvalidInputError('invalid_cursor', 'The cursor is not one this list gave out');
  }
  return query;
}

/** One row a repo read for a page: the item and its place in the list's order. */
export interface KeysetRow<T> {
  item: T;
  keyset: Keyset;
}

/** Cuts the `limit + 1` rows a repo read into a page and where the next one starts. */
export function toKeysetPage<T>(rows: Array<KeysetRow<T>>, limit: number): KeysetPage<T> {
  const page = rows.slice(0, limit);
  return { entries: page.map((row) => row.item), next: rows.length > limit ? page.at(-1)!.keyset : null };
}
