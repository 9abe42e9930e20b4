import assert from 'node:assert/strict';
import { isId, newId } from '../../src/db/ids.js';

describe('ids', () => {
  it('are UUID version 7 whose order follows their making, also within one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => newId());
    for (const id of ids) {
      assert.ok(isId(id), id);
      assert.equal(id[14], '7', `version 7: ${id}`);
      assert.match(id[19]!, /[89ab]/, `RFC 9562 variant: ${id}`);
    }
    // 10,000 ids take a few milliseconds at most: many share one, and the counter keeps them in order.
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} then ${ids[i]}`);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('carry the time given, for tests that need one', () => {
    const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    assert.equal(parseInt(newId(at).replace(/-/g, '').slice(0, 12), 16), at);
  });
});
