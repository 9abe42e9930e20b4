import { z } from 'zod';
import { isId } from '../db/ids.js';
import { InvalidInputError } from '../errors.js';

/**
 * Cursors of lists ordered by id (ids are time-ordered: creation order, to the millisecond). A cursor is
 * opaque to clients: base64url of the last item's sort key, which is its id. The
 * next page starts strictly after it, so items added or removed meanwhile move
 * nobody across pages.
 */
export function cursorAfter(id: string): string {
  return Buffer.from(JSON.stringify({ id }), 'utf8').toString('base64url');
}

/** The id a cursor continues after; anything this API did not hand out is a 400. */
export function idOfCursor(cursor: string): string {
  let id: unknown;
  try {
    id = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { id?: unknown }).id;
  } catch {
    id = undefined;
  }
  if (!isId(id)) throw new InvalidInputError('invalid_cursor', 'cursor is not one this list handed out; start again without it', { field: 'cursor' });
  return id;
}

/** `?limit=` (1 to 200, default 50) and `?cursor=`, as every paged list takes them. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
};

/** The next page's cursor: after the last item, when another page follows. */
export function nextCursor(items: Array<{ id: string }>, more: boolean): string | null {
  const last = items.at(-1);
  return more && last ? cursorAfter(last.id) : null;
}
