import assert from 'node:assert/strict';
import { newId } from '../../../src/db/ids.js';
import { decodeCursor, encodeCursor, idAnchor, maxCursorLength, pageOf, type Anchor, type AnchorPart } from '../../../src/org/lists/page.js';

/** The error every list answers a cursor it did not give out with (a 400 in both adapters). */
function assertRefused(cursor: string, shape: readonly AnchorPart[], why: string): void {
  assert.throws(
    () => decodeCursor(cursor, shape),
    (error: Error & { kind?: string; code?: string; details?: unknown }) => {
      assert.equal(error.name, 'InvalidInputError', why);
      assert.equal(error.kind, 'invalid', why);
      assert.equal(error.code, 'invalid_cursor', why);
      assert.equal(error.message, 'The cursor is not one this list gave out; start again without it', why);
      assert.deepEqual(error.details, { field: 'cursor' }, why);
      return true;
    },
    why,
  );
}

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('page cursors', () => {
  const id = newId();
  const shapes: Array<[string, readonly AnchorPart[], Anchor]> = [
    ['an id', idAnchor, [id]],
    ['a timestamp with microseconds', ['timestamp', 'id'], ['2024-05-01T00:00:00.000100Z', id]],
    ['text with non-ASCII', ['text', 'id'], ['zoë 日本 👩‍💻 "quoted" \\ back', id]],
    ['empty text', ['text', 'id'], ['', id]],
    ['null', ['text?', 'id'], [null, id]],
    ['text where null may be', ['text?', 'id'], ['ann', id]],
  ];

  for (const [what, shape, anchor] of shapes) {
    it(`round-trips ${what}, as opaque URL-safe text`, () => {
      const cursor = encodeCursor(anchor);
      assert.match(cursor, /^[A-Za-z0-9_-]+$/);
      assert.deepEqual(decodeCursor(cursor, shape), anchor);
    });
  }

  it('refuses a cursor given to a list of another order', () => {
    assertRefused(encodeCursor([id]), ['text', 'id'], 'too few values');
    assertRefused(encodeCursor(['a', id]), idAnchor, 'too many values');
    assertRefused(encodeCursor([id, 'a']), ['text', 'id'], 'values swapped');
    assertRefused(encodeCursor([null, id]), ['text', 'id'], 'null where text is required');
    assertRefused(encodeCursor(['2024-05-01T00:00:00.000Z', id]), ['timestamp', 'id'], 'a rounded timestamp');
    assertRefused(encodeCursor(['2024-05-01 00:00:00.000100+00', id]), ['timestamp', 'id'], 'another spelling of the time');
  });

  it('refuses tampered, truncated, non-base64, empty and oversized cursors', () => {
    const cursor = encodeCursor(['ann', id]);
    const shape = ['text', 'id'] as const;
    assertRefused(cursor.slice(0, -1), shape, 'truncated by one');
    assertRefused(cursor.slice(0, cursor.length / 2), shape, 'truncated by half');
    assertRefused(`${cursor[0] === 'A' ? 'B' : 'A'}${cursor.slice(1)}`, shape, 'a character changed');
    assertRefused(`${cursor}=`, shape, 'padded');
    assertRefused(`${cursor}AA`, shape, 'extended');
    assertRefused(encodeCursor(['ann', id.slice(0, -1)]), shape, 'not an id');
    assertRefused(base64url(JSON.stringify(['ann', id], null, 1)), shape, 'the JSON re-spelt');
    assertRefused(base64url(JSON.stringify({ after: id })), idAnchor, 'not a list');
    assertRefused(base64url(JSON.stringify([1, id])), shape, 'a number');
    assertRefused(encodeCursor(['a\u0000', id]), shape, 'a NUL, which PostgreSQL cannot hold');
    assertRefused(encodeCursor(['a\uD800', id]), shape, 'a lone surrogate');
    assertRefused(Buffer.from(JSON.stringify(['ann', id])).toString('base64'), shape, 'base64 with + or / or padding');
    assertRefused('not a cursor!', shape, 'not base64');
    assertRefused('%%%', shape, 'not base64');
    assertRefused('', shape, 'empty');
    assertRefused(base64url('\u00ff\u00fe'), shape, 'not JSON');
    assertRefused(Buffer.concat([Buffer.from('["'), Buffer.from([0xff]), Buffer.from(`","${id}"]`)]).toString('base64url'), shape, 'not UTF-8');
    const oversized = encodeCursor(['x'.repeat(maxCursorLength), id]);
    assertRefused(oversized, shape, 'oversized');
    assert.deepEqual(decodeCursor(encodeCursor(['x'.repeat(1000), id]), shape), ['x'.repeat(1000), id], 'a long sort key still fits');
  });

  it('cuts the rows read (one more than the page) into a page and where the next one starts', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    assert.deepEqual(
      pageOf(rows, 2, (row) => [row.id]),
      { items: [{ id: 'a' }, { id: 'b' }], next: ['b'] },
    );
    assert.deepEqual(
      pageOf(rows, 3, (row) => [row.id]),
      { items: rows, next: null },
    );
    assert.deepEqual(
      pageOf([], 3, () => ['never']),
      { items: [], next: null },
    );
  });
});
