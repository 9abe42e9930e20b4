import { z } from 'zod';
import { keysetAnchor, maxPageSize, type KeysetQuery } from '../org/lists/keyset.js';
import { decodeCursor, encodeCursor, idAnchor, maxCursorLength, type Anchor, type Page } from '../org/lists/page.js';

/**
 * Cursor paging of `/api/v1` lists: `?limit=` (default 50, at most 200) and
 * `?cursor=` taken from the previous page's `nextCursor`. The cursor is opaque
 * to clients (org/lists/page.ts): it carries the last item's place in the list's order.
 */

const defaultPageSize = 50;

export const pageQuery = z
  .object({
    // Optional rather than defaulted, so that the OpenAPI document (which describes outputs) does not call it required.
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(maxPageSize)
      .optional()
      .meta({ description: `Items per page, 1 to ${maxPageSize} (default ${defaultPageSize})` }),
    cursor: z.string().max(maxCursorLength).optional().meta({ description: 'The previous page’s nextCursor' }),
  })
  .strict();

export type PageQueryInput = z.infer<typeof pageQuery>;

/** The page's nextCursor: its anchor as the one opaque cursor every list gives out (org/lists/page.ts). */
function cursorOf(next: Anchor | null): string | null {
  return next ? encodeCursor(next) : null;
}

/** The page a request asks for; a cursor this API did not give out is a 400. */
export function keysetQueryOf({ limit = defaultPageSize, cursor }: PageQueryInput): KeysetQuery {
  return cursor === undefined ? { limit } : { limit, after: decodeCursor(cursor, keysetAnchor) };
}

/** For lists ordered by id alone (ids are time-ordered): the page a request asks for, as the domain's list functions take it. */
function idPageOf(query: PageQueryInput): { afterId?: string; limit: number } {
  return { ...(query.cursor ? { afterId: decodeCursor(query.cursor, idAnchor)[0] } : {}), limit: query.limit ?? defaultPageSize };
}

/** A searchable list's `?q=` and `?role=` with its page, as the domain's search functions take them. */
export function textSearchOf<Role extends string>(
  query: PageQueryInput & { q?: string | undefined; role?: Role | undefined },
): { text?: string; role?: Role; afterId?: string; limit: number } {
  return { ...(query.q ? { text: query.q } : {}), ...(query.role ? { role: query.role } : {}), ...idPageOf(query) };
}

type PageSchema<Key extends string, Item extends z.ZodType> = z.ZodObject<{ [K in Key]: z.ZodArray<Item> } & { nextCursor: z.ZodNullable<z.ZodString> }>;

/** A list's answer: its items under their name, then the next page's cursor (null on the last page). */
export function pageSchema<Key extends string, Item extends z.ZodType>(key: Key, item: Item): PageSchema<Key, Item> {
  return z.object({ [key]: z.array(item), nextCursor: z.string().nullable() }) as unknown as PageSchema<Key, Item>;
}

/** A page of the domain's as a list answers it (see `pageSchema`). */
export function pageAnswer<Key extends string, T, U>(key: Key, page: Page<T>, present: (item: T) => U): { [K in Key]: U[] } & { nextCursor: string | null } {
  return { [key]: page.items.map(present), nextCursor: cursorOf(page.next) } as { [K in Key]: U[] } & { nextCursor: string | null };
}
