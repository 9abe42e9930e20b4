import { isId } from '../../db/ids.js';
import { InvalidInputError } from '../../errors.js';

/**
 * One page shape and one cursor for every list read a page at a time: the
 * admin API's lists, SCIM's cursor paging and the audit log. A page ends at an
 * anchor, the last item's place in the list's order (its sort values, then its
 * id). Adapters hand the anchor out as an opaque cursor and take it back
 * through `decodeCursor`, which accepts only what `encodeCursor` could have
 * written for that list: a cursor is never trusted to be one Roster gave out.
 */

export type AnchorValue = string | null;

/** Where a page ended in its list's order: sort values, then the id. */
export type Anchor = readonly AnchorValue[];

export interface Page<T> {
  items: T[];
  /** Where the next page starts; null on the last page. */
  next: Anchor | null;
}

/** Cuts the `limit + 1` rows a repo read into a page: the extra row only tells that another page follows. */
export function pageOf<T>(rows: T[], limit: number, anchorOf: (row: T) => Anchor): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last !== undefined ? anchorOf(last) : null };
}

/**
 * What each value of a list's anchor is, so that a cursor is checked against the
 * list it is given to. `timestamp` is PostgreSQL's exact UTC time, microseconds
 * included (a JavaScript Date would round them away and break the order);
 * `text?` is text or null.
 */
export type AnchorPart = 'id' | 'text' | 'text?' | 'timestamp';

export type AnchorOf<S extends readonly AnchorPart[]> = { readonly [K in keyof S]: S[K] extends 'text?' ? string | null : string };

/** Lists in id order (ids are time-ordered): creation order. */
export const idAnchor = ['id'] as const;

/** Longer than any anchor Roster writes (a sort key is a bounded name); the admin API's query schema allows the same. */
export const maxCursorLength = 2000;

const exactTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
// Text PostgreSQL cannot hold (NUL) or that has no UTF-8 form (a lone surrogate): a forged cursor could spell either.
const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function fits(part: AnchorPart, value: unknown): boolean {
  if (part === 'text?' && value === null) return true;
  if (typeof value !== 'string') return false;
  if (part === 'id') return isId(value);
  if (part === 'timestamp') return exactTimestamp.test(value);
  return !unstorable.test(value);
}

/** Whether an anchor has the parts a list's order is made of. */
export function isAnchorOf<S extends readonly AnchorPart[]>(anchor: Anchor, shape: S): anchor is AnchorOf<S> {
  return anchor.length === shape.length && shape.every((part, index) => fits(part, anchor[index]));
}

export function invalidCursor(): InvalidInputError {
  return new InvalidInputError('invalid_cursor', 'The cursor is not one this list gave out; start again without it', { field: 'cursor' });
}

/** The opaque cursor of an anchor: base64url of its JSON. */
export function encodeCursor(anchor: Anchor): string {
  return Buffer.from(JSON.stringify(anchor), 'utf8').toString('base64url');
}

function parse(cursor: string): Anchor | undefined {
  if (cursor.length > maxCursorLength || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(decoded) ? (decoded as Anchor) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The anchor a cursor carries, for a list whose order is `shape`; anything else
 * is a 400 `invalid_cursor`. Only the exact text `encodeCursor` writes is
 * accepted, so a truncated, padded or re-spelt cursor is refused too.
 */
export function decodeCursor<const S extends readonly AnchorPart[]>(cursor: string, shape: S): AnchorOf<S> {
  const anchor = parse(cursor);
  if (!anchor || !isAnchorOf(anchor, shape) || encodeCursor(anchor) !== cursor) throw invalidCursor();
  return anchor;
}
