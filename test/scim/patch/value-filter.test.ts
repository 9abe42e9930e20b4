import assert from 'node:assert/strict';
import { allSchemas } from '../../../src/scim/filter-map.js';
import { parseFilter } from '../../../src/scim/filter.js';
import { equalities, matches, parsePath } from '../../../src/scim/patch.js';
import { refused } from './fixtures.js';

/** The [filter] of a PATCH path selects values of a multi-valued attribute (RFC 7644 §3.5.2). */
const filterOf = (text: string) => parsePath(`emails[${text}]`).filter!;

const work = { value: 'Ada@Analytical.example', type: 'work', primary: true };
const home = { value: 'ada@home.example', type: 'home' };

describe('SCIM PATCH value filters (RFC 7644 §3.5.2)', () => {
  describe('matches', () => {
    it('compares strings without case, as Entra\'s "Work" needs', () => {
      assert.equal(matches(work, filterOf('type eq "Work"')), true);
      assert.equal(matches(work, filterOf('value eq "ada@analytical.example"')), true);
      assert.equal(matches(home, filterOf('type eq "work"')), false);
    });

    it('reads attribute names in the element whatever their case', () => {
      assert.equal(matches({ Type: 'work' }, filterOf('type eq "work"')), true);
    });

    it('compares booleans with booleans and with their spelling as strings, either side', () => {
      assert.equal(matches(work, filterOf('primary eq true')), true);
      assert.equal(matches({ ...work, primary: 'True' }, filterOf('primary eq true')), true);
      assert.equal(matches(work, filterOf('primary eq "TRUE"')), true);
      assert.equal(matches(home, filterOf('primary eq true')), false);
    });

    it('evaluates and, or, not and pr', () => {
      assert.equal(matches(work, filterOf('type eq "work" and value ew "analytical.example"')), true);
      assert.equal(matches(home, filterOf('type eq "work" and value ew "analytical.example"')), false);
      assert.equal(matches(home, filterOf('type eq "work" or type eq "home"')), true);
      assert.equal(matches(home, filterOf('not (type eq "work")')), true);
      assert.equal(matches(work, filterOf('primary pr')), true);
      assert.equal(matches(home, filterOf('primary pr')), false);
      assert.equal(matches({ value: '' }, filterOf('value pr')), false);
    });

    it('treats a missing attribute as null: ne matches it, eq null matches it, other operators do not', () => {
      assert.equal(matches(home, filterOf('primary ne true')), true);
      assert.equal(matches(home, filterOf('display eq null')), true);
      assert.equal(matches(home, filterOf('display sw "a"')), false);
    });

    it('supports co, sw, ew and ordering comparisons on strings', () => {
      assert.equal(matches(home, filterOf('value co "@HOME"')), true);
      assert.equal(matches(home, filterOf('value sw "ada@"')), true);
      assert.equal(matches(home, filterOf('value ew ".org"')), false);
      assert.equal(matches({ value: 'b' }, filterOf('value gt "a"')), true);
      assert.equal(matches({ value: 'b' }, filterOf('value ge "b"')), true);
      assert.equal(matches({ value: 'b' }, filterOf('value lt "b"')), false);
      assert.equal(matches({ value: 'b' }, filterOf('value le "b"')), true);
    });

    it("matches a simple value, such as a seat's product, as its own value", () => {
      assert.equal(matches('chat', filterOf('value eq "CHAT"')), true);
      assert.equal(matches('code', filterOf('value eq "chat"')), false);
    });

    it('refuses a [filter] nested in the filter with invalidFilter', () => {
      refused(() => matches(work, parseFilter('emails[type eq "work"]', allSchemas)), 'invalidFilter');
    });
  });

  describe('equalities', () => {
    it('gives the element an equality filter describes', () => {
      assert.deepEqual(equalities(filterOf('type eq "work"')), { type: 'work' });
      assert.deepEqual(equalities(filterOf('type eq "work" and primary eq true')), { type: 'work', primary: true });
    });

    it('gives nothing for a filter that does not describe one element', () => {
      for (const text of ['type ne "work"', 'type eq "work" or type eq "home"', 'value pr', 'not (type eq "work")', 'type eq "work" and value sw "a"']) {
        assert.equal(equalities(filterOf(text)), undefined, text);
      }
    });
  });
});
