import assert from 'node:assert/strict';
import { safeRelayState } from '../../src/sso/relay-state.js';

describe('safeRelayState: where a sign-in may send the browser afterwards', () => {
  it('keeps Roster’s own paths, with their query and fragment', () => {
    for (const path of ['/', '/settings/profile', '/join/abc?x=1#top', '/members/é']) assert.equal(safeRelayState(path), path);
  });

  it('sends everything else home: other sites, scheme-relative and backslash tricks, control characters', () => {
    for (const value of ['https://evil.test/', '//evil.test/x', '/\\evil.test', '/a\\b', 'javascript:alert(1)', ' /x', '/\t/evil.test', '/a\nb', '']) {
      assert.equal(safeRelayState(value), '/', JSON.stringify(value));
    }
  });

  it('sends non-strings and paths over 512 characters home', () => {
    for (const value of [undefined, null, 42, ['/x'], { path: '/x' }]) assert.equal(safeRelayState(value), '/');
    assert.equal(safeRelayState(`/${'a'.repeat(511)}`), `/${'a'.repeat(511)}`);
    assert.equal(safeRelayState(`/${'a'.repeat(512)}`), '/');
  });
});
