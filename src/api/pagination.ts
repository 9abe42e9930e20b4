import { z } from 'zod';
import { isId } from '../db/ids.js';
import { InvalidInputError } from '../errors.js';
import { unstorableReason } from '../http/unstorable-text.js';
import { maxPageSize, type Keyset, type KeysetQuery } from '../org/keyset.js';

/**
 * Cursor paging of `/api/v1` lists: `?limit=` (default 50, at most 200) and
 * `?cursor=` taken from the previous page's `nextCursor`. The cursor is opaque
 * to clients: base64url of the last item's sort key and id.
 */

export const defaultPageSize = 50;

export const pageQuery = z
  .object({
    // Optional rather than defaulted, so that the OpenAPI document (which describes outputs) does not call it required.
    limit: z.coerce.number().int().min(1).max(maxPageSize).optional().meta({ description: `Items per page, 1 to ${maxPageSize} (default ${defaultPageSize})` }),
    cursor: z.string().max(2000).optional().meta({ description: 'The previous page’s nextCursor' }),
  })
  .strict();

export type PageQueryInput = z.infer<typeof pageQuery>;

export function cursorOf(next: Keyset | null): string | null {
  return next ? Buffer.from(JSON.stringify([next.key, next.id]), 'utf8').toString('base64url') : null;
}

/** The page a request asks for; a cursor this API did not give out is a 400. */
export function keysetQueryOf({ limit = defaultPageSize, cursor }: PageQueryInput): KeysetQuery {
  if (cursor === undefined) return { limit };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  // A forged cursor can spell what no URL could carry (NUL): it is refused like any other cursor Roster did not give out.
  if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[0] !== 'string' || typeof decoded[1] !== 'string' || decoded.some((part) => unstorableReason(part as string))) {
    throw new InvalidInputError('invalid_cursor', 'The cursor is not one this list gave out', { field: 'cursor' });
  }
  return { limit, after: { key: decoded[0], id: decoded[1] } };
}

/** For lists ordered by id alone (ids are time-ordered): the id a cursor continues after. */
export function afterIdOf(cursor: string): string {
  const { after } = keysetQueryOf({ cursor });
  if (!after || !isId(after.id)) throw new InvalidInputError('invalid_cursor', 'The cursor is not one this list gave out', { field: 'cursor' });
  return after.id;
}

/** For lists ordered by id alone: the next page's cursor, after the last item, when another page follows. */
export function nextCursorAfter(items: Array<{ id: string }>, more: boolean): string | null {
  const last = items.at(-1);
  return more && last ? cursorOf({ key: last.id, id: last.id }) : null;
}

/** For lists ordered by id alone: the page a request asks for, as the domain's list functions take it. */
export function idPageOf(query: PageQueryInput): { afterId?: string; limit: number } {
  return { ...(query.cursor ? { afterId: afterIdOf(query.cursor) } : {}), limit: query.limit ?? defaultPageSize };
}
