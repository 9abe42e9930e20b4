import { InvalidInputError } from '../../errors.js';
import { invalidCursor, isAnchorOf, pageOf, type Anchor, type Page } from './page.js';

/**
 * Keyset paging for lists read in a fixed order (sort key, then id): a page
 * continues after the last item of the previous one, so a deep page costs what
 * the first does and a change between two pages skips or repeats nobody who
 * stayed. Adapters carry the page's anchor as an opaque cursor (page.ts).
 */

/** Where a page ended: the last item's sort key and id. */
export interface Keyset {
  key: string;
  id: string;
}

export interface KeysetQuery {
  limit: number;
  /** Only items after this one in the list's order: the `next` of the previous page. */
  after?: Anchor | undefined;
}

/** The anchor of a keyset list (see page.ts): sort key, then id. */
export const keysetAnchor = ['text', 'id'] as const;

export const maxPageSize = 200;

/** The page a query asks for, as the repos read it. */
export function requireKeysetQuery(query: KeysetQuery): { limit: number; after?: Keyset } {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > maxPageSize) {
    throw new InvalidInputError('invalid_limit', `A page holds 1 to ${maxPageSize} items`, { limit: query.limit });
  }
  if (!query.after) return { limit: query.limit };
  if (!isAnchorOf(query.after, keysetAnchor)) throw invalidCursor();
  return { limit: query.limit, after: { key: query.after[0], id: query.after[1] } };
}

/** One row a repo read for a page: the item and its place in the list's order. */
export interface KeysetRow<T> {
  item: T;
  keyset: Keyset;
}

/** Cuts the `limit + 1` rows a repo read into a page and where the next one starts. */
export function toKeysetPage<T>(rows: Array<KeysetRow<T>>, limit: number): Page<T> {
  const page = pageOf(rows, limit, (row) => [row.keyset.key, row.keyset.id]);
  return { items: page.items.map((row) => row.item), next: page.next };
}
