import assert from 'node:assert/strict';
import {
  FilterSyntaxError,
  parseAttrPath,
  parseFilter,
  parsePatchPath,
  type AttrPath,
  type CompareOperator,
  type FilterNode,
  type FilterValue,
} from '../../src/scim/filter.js';

const core = 'urn:ietf:params:scim:schemas:core:2.0:User';
const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const schemas = [core, 'urn:ietf:params:scim:schemas:core:2.0:Group', enterprise, 'urn:ietf:params:scim:schemas:extension:roster:2.0:User'];

const parse = (text: string): FilterNode => parseFilter(text, schemas);
const path = (attr: string, sub?: string): AttrPath => (sub ? { attr, sub } : { attr });
const eq = (attr: string, value: FilterValue, op: CompareOperator = 'eq'): FilterNode => ({ kind: 'compare', path: path(attr), op, value });
const present = (attr: string): FilterNode => ({ kind: 'present', path: path(attr) });
const and = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'and', left, right });
const or = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'or', left, right });
const not = (filter: FilterNode): FilterNode => ({ kind: 'not', filter });

/** Asserts that parsing fails with a FilterSyntaxError whose message matches `message` (if given) and names a position. */
function rejects(text: string, message?: RegExp): void {
  assert.throws(
    () => parse(text),
    (error: unknown) => {
      assert.ok(error instanceof FilterSyntaxError, `${JSON.stringify(text)} threw ${String(error)}`);
      if (message) assert.match(error.message, message);
      return true;
    },
    `${JSON.stringify(text)} should be refused`,
  );
}

describe('SCIM filter parser', () => {
  describe('comparisons (RFC 7644 §3.4.2.2)', () => {
    it('parses every comparison operator, case-insensitively', () => {
      for (const op of ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const) {
        assert.deepEqual(parse(`title ${op} "x"`), eq('title', 'x', op));
        assert.deepEqual(parse(`title ${op.toUpperCase()} "x"`), eq('title', 'x', op));
        assert.deepEqual(parse(`title ${op[0]!.toUpperCase()}${op[1]} "x"`), eq('title', 'x', op));
      }
    });

    it('parses pr (present) without a value, in any case', () => {
      assert.deepEqual(parse('title pr'), present('title'));
      assert.deepEqual(parse('title PR'), present('title'));
    });

    it('keeps attribute names as the client wrote them', () => {
      assert.deepEqual(parse('USERNAME eq "a"'), eq('USERNAME', 'a'));
      assert.deepEqual(parse('x-Name_2$ eq "a"'), eq('x-Name_2$', 'a'));
    });

    it('reads a sub-attribute after a dot', () => {
      assert.deepEqual(parse('name.familyName co "O\'Malley"'), { kind: 'compare', path: path('name', 'familyName'), op: 'co', value: "O'Malley" });
      assert.deepEqual(parse('meta.lastModified gt "2011-05-13T04:42:34Z"'), {
        kind: 'compare',
        path: path('meta', 'lastModified'),
        op: 'gt',
        value: '2011-05-13T04:42:34Z',
      });
      assert.deepEqual(parse('emails.value pr'), { kind: 'present', path: path('emails', 'value') });
    });

    it('tolerates extra spaces and tabs between tokens and inside brackets', () => {
      assert.deepEqual(parse('  userName \t eq   "a"  '), eq('userName', 'a'));
      assert.deepEqual(parse('( userName eq "a" )'), eq('userName', 'a'));
      assert.deepEqual(parse('emails[ type eq "work" ]'), { kind: 'valuePath', path: path('emails'), filter: eq('type', 'work') });
    });
  });

  describe('values', () => {
    it('decodes JSON strings with escapes', () => {
      assert.deepEqual(parse('displayName eq "a \\"quoted\\" name"'), eq('displayName', 'a "quoted" name'));
      assert.deepEqual(parse('displayName eq "back\\\\slash\\nline \\u00e9"'), eq('displayName', 'back\\slash\nline é'));
      assert.deepEqual(parse('displayName eq ""'), eq('displayName', ''));
      assert.deepEqual(parse('displayName eq "has (parens) and [brackets] and and or"'), eq('displayName', 'has (parens) and [brackets] and and or'));
    });

    it('reads JSON numbers', () => {
      assert.deepEqual(parse('x eq 1'), eq('x', 1));
      assert.deepEqual(parse('x eq -1'), eq('x', -1));
      assert.deepEqual(parse('x eq 2.5'), eq('x', 2.5));
      assert.deepEqual(parse('x eq 1e3'), eq('x', 1000));
      assert.deepEqual(parse('x eq -2.5E-1'), eq('x', -0.25));
    });

    it('reads true, false and null case-insensitively', () => {
      assert.deepEqual(parse('active eq true'), eq('active', true));
      assert.deepEqual(parse('active eq False'), eq('active', false));
      assert.deepEqual(parse('title eq NULL'), eq('title', null));
    });

    it('accepts an unquoted bare word as a string, as Microsoft documents', () => {
      assert.deepEqual(parse('externalId eq jyoung'), eq('externalId', 'jyoung'));
      assert.deepEqual(parse('userName eq alice@example.com'), eq('userName', 'alice@example.com'));
      assert.deepEqual(parse('(externalId eq jyoung)'), eq('externalId', 'jyoung'));
      assert.deepEqual(parse('emails[value eq a@x.com]'), { kind: 'valuePath', path: path('emails'), filter: eq('value', 'a@x.com') });
      // Not a JSON number, so it stays a string.
      assert.deepEqual(parse('externalId eq 007'), eq('externalId', '007'));
    });
  });

  describe('logical operators', () => {
    it('binds and tighter than or', () => {
      assert.deepEqual(parse('a eq 1 or b eq 2 and c eq 3'), or(eq('a', 1), and(eq('b', 2), eq('c', 3))));
      assert.deepEqual(parse('a eq 1 and b eq 2 or c eq 3'), or(and(eq('a', 1), eq('b', 2)), eq('c', 3)));
    });

    it('associates and and or to the left', () => {
      assert.deepEqual(parse('a pr and b pr and c pr'), and(and(present('a'), present('b')), present('c')));
      assert.deepEqual(parse('a pr or b pr or c pr'), or(or(present('a'), present('b')), present('c')));
    });

    it('matches and, or and not case-insensitively', () => {
      assert.deepEqual(parse('a pr AND b pr Or NOT (c pr)'), or(and(present('a'), present('b')), not(present('c'))));
    });

    it('negates a parenthesised filter with not, binding tighter than and', () => {
      assert.deepEqual(parse('not (a eq 1)'), not(eq('a', 1)));
      assert.deepEqual(parse('not (a eq 1) and b eq 2'), and(not(eq('a', 1)), eq('b', 2)));
      assert.deepEqual(parse('not (a eq 1 or b eq 2)'), not(or(eq('a', 1), eq('b', 2))));
    });

    it('groups with nested parentheses', () => {
      assert.deepEqual(parse('((a eq 1) or (b eq 2)) and not (c pr)'), and(or(eq('a', 1), eq('b', 2)), not(present('c'))));
      assert.deepEqual(parse('a eq 1 and (b eq 2 or c eq 3)'), and(eq('a', 1), or(eq('b', 2), eq('c', 3))));
      assert.deepEqual(parse('(((a pr)))'), present('a'));
    });
  });

  describe('complex attribute filters (valuePath)', () => {
    it('parses attr[filter] with paths relative to the attribute', () => {
      assert.deepEqual(parse('emails[type eq "work" and value co "@example.com"]'), {
        kind: 'valuePath',
        path: path('emails'),
        filter: and(eq('type', 'work'), eq('value', '@example.com', 'co')),
      });
    });

    it('allows or, not and parentheses inside the brackets', () => {
      assert.deepEqual(parse('emails[not (type eq "work") or (primary eq true)]'), {
        kind: 'valuePath',
        path: path('emails'),
        filter: or(not(eq('type', 'work')), eq('primary', true)),
      });
    });

    it('joins a trailing .sub comparison to the bracket filter', () => {
      assert.deepEqual(parse('emails[type eq "work"].value eq "a@x.com"'), {
        kind: 'valuePath',
        path: path('emails'),
        filter: and(eq('type', 'work'), eq('value', 'a@x.com')),
      });
      assert.deepEqual(parse('emails[type eq "work"].value pr'), {
        kind: 'valuePath',
        path: path('emails'),
        filter: and(eq('type', 'work'), present('value')),
      });
    });

    it("reads Entra ID's group membership check", () => {
      assert.deepEqual(
        parse('id eq "g1" and members[value eq "u1"]'),
        and(eq('id', 'g1'), { kind: 'valuePath', path: path('members'), filter: eq('value', 'u1') }),
      );
    });

    it('combines value paths with other expressions', () => {
      assert.deepEqual(
        parse('userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")'),
        and(
          eq('userType', 'Employee'),
          or(eq('emails', 'example.com', 'co'), { kind: 'compare', path: path('emails', 'value'), op: 'co', value: 'example.org' }),
        ),
      );
      assert.deepEqual(
        parse('not (emails[type eq "work"]) or x pr'),
        or(not({ kind: 'valuePath', path: path('emails'), filter: eq('type', 'work') }), present('x')),
      );
    });
  });

  describe('schema URN prefixes', () => {
    it('splits an enterprise extension path despite the dots in "2.0"', () => {
      assert.deepEqual(parse(`${enterprise}:manager.value eq "m1"`), {
        kind: 'compare',
        path: { schema: enterprise, attr: 'manager', sub: 'value' },
        op: 'eq',
        value: 'm1',
      });
      assert.deepEqual(parse(`${enterprise}:employeeNumber pr`), { kind: 'present', path: { schema: enterprise, attr: 'employeeNumber' } });
    });

    it('matches the URN case-insensitively and returns the known spelling', () => {
      assert.deepEqual(parse(`${core.toLowerCase()}:userName eq "a"`), { kind: 'compare', path: { schema: core, attr: 'userName' }, op: 'eq', value: 'a' });
    });

    it('prefers the longest known schema', () => {
      const nested = [core, `${core}:ext`];
      assert.deepEqual(parseAttrPath(`${core}:ext:thing`, nested), { schema: `${core}:ext`, attr: 'thing' });
      assert.deepEqual(parseAttrPath(`${core}:thing`, nested), { schema: core, attr: 'thing' });
    });

    it('accepts a URN-qualified value path', () => {
      assert.deepEqual(parse(`${core}:emails[type eq "work"]`), { kind: 'valuePath', path: { schema: core, attr: 'emails' }, filter: eq('type', 'work') });
    });

    it('refuses an unknown URN, or a URN without an attribute', () => {
      rejects('urn:example:unknown:attr eq "x"', /position/);
      rejects(`${core} pr`, /names a schema but no attribute/);
      rejects(`${core}: pr`);
    });
  });

  describe('syntax errors', () => {
    it('refuses an empty filter', () => {
      rejects('');
      rejects('  \t ');
    });

    it('refuses unbalanced parentheses and brackets', () => {
      rejects('(userName eq "a"', /position/);
      rejects('userName eq "a")', /position/);
      rejects('((a pr)', /position/);
      rejects('emails[type eq "work"', /position/);
      rejects('emails type eq "work"]', /position/);
    });

    it('refuses an unknown operator and says where', () => {
      rejects('userName xx "a"', /comparison operator after "userName" at position \d+/);
    });

    it('refuses a comparison without a value, and pr with one', () => {
      rejects('userName eq', /value/);
      rejects('userName eq )');
      rejects('title pr "x"', /position/);
      rejects('(title pr "x")');
    });

    it('refuses trailing tokens', () => {
      rejects('userName eq "a" trailing', /position/);
      rejects('userName eq "a" and', /position/);
      rejects('userName eq "a" "b"');
    });

    it('refuses not without parentheses', () => {
      rejects('not a eq 1', /"\(" after "not"/);
      rejects('not');
    });

    it('refuses bad string escapes and unterminated strings', () => {
      rejects('displayName eq "bad \\x escape"', /position/);
      rejects('displayName eq "unterminated', /position/);
    });

    it('refuses a [ inside another [', () => {
      rejects('emails[members[value eq "x"]]', /position/);
    });

    it('refuses malformed attribute paths', () => {
      rejects('a.b.c eq 1', /position/);
      rejects('1abc eq 1');
      rejects('name. eq 1');
      rejects('name.givenName[value eq 1]');
    });

    it('caps the nesting depth', () => {
      assert.deepEqual(parse(`${'('.repeat(40)}a pr${')'.repeat(40)}`), present('a'));
      rejects(`${'('.repeat(60)}a pr${')'.repeat(60)}`);
      rejects(`${'not ('.repeat(60)}a pr${')'.repeat(60)}`);
    });

    it('caps the filter length at 10,000 characters', () => {
      const padded = (length: number) => `userName eq "${'x'.repeat(length - 'userName eq ""'.length)}"`;
      assert.equal(parse(padded(10_000)).kind, 'compare');
      rejects(padded(10_001));
    });
  });
});

describe('SCIM attribute paths (sortBy, attributes=)', () => {
  it('parses plain, dotted and URN-qualified paths', () => {
    assert.deepEqual(parseAttrPath('userName', schemas), { attr: 'userName' });
    assert.deepEqual(parseAttrPath('name.givenName', schemas), { attr: 'name', sub: 'givenName' });
    assert.deepEqual(parseAttrPath(`${core}:employeeNumber`, schemas), { schema: core, attr: 'employeeNumber' });
    assert.deepEqual(parseAttrPath(`${enterprise}:manager.value`, schemas), { schema: enterprise, attr: 'manager', sub: 'value' });
  });

  it('refuses empty, malformed and unknown-URN paths', () => {
    for (const text of ['', 'a.b.c', 'name[type eq "x"]', 'urn:example:nope:attr', enterprise, 'user name']) {
      assert.throws(() => parseAttrPath(text, schemas), FilterSyntaxError, JSON.stringify(text));
    }
  });
});

describe('SCIM PATCH paths (RFC 7644 §3.5.2)', () => {
  const patch = (text: string) => parsePatchPath(text, schemas);

  it('parses an attribute path', () => {
    assert.deepEqual(patch('members'), { path: { attr: 'members' } });
    assert.deepEqual(patch('name.familyName'), { path: { attr: 'name', sub: 'familyName' } });
    assert.deepEqual(patch(`${enterprise}:employeeNumber`), { path: { schema: enterprise, attr: 'employeeNumber' } });
    assert.deepEqual(patch(`${core}:userName`), { path: { schema: core, attr: 'userName' } });
  });

  it('parses a value path with a filter', () => {
    assert.deepEqual(patch('members[value eq "2819c223"]'), { path: { attr: 'members' }, filter: eq('value', '2819c223') });
    assert.deepEqual(patch('emails[type eq "work" and primary eq true]'), { path: { attr: 'emails' }, filter: and(eq('type', 'work'), eq('primary', true)) });
  });

  it('parses a value path with a trailing sub-attribute', () => {
    assert.deepEqual(patch('emails[type eq "work"].value'), { path: { attr: 'emails' }, filter: eq('type', 'work'), sub: 'value' });
    assert.deepEqual(patch('addresses[type eq "work"].streetAddress'), { path: { attr: 'addresses' }, filter: eq('type', 'work'), sub: 'streetAddress' });
    assert.deepEqual(patch(`${enterprise}:manager[value pr].displayName`), {
      path: { schema: enterprise, attr: 'manager' },
      filter: present('value'),
      sub: 'displayName',
    });
  });

  it('keeps brackets inside quoted values', () => {
    assert.deepEqual(patch('members[value eq "a]b[c"]'), { path: { attr: 'members' }, filter: eq('value', 'a]b[c') });
  });

  it('reports positions counted from the start of the whole path', () => {
    assert.throws(() => patch('emails[type xx "work"]'), /after "type" at position 13/);
    assert.throws(() => patch('emails[type eq "work"'), FilterSyntaxError);
  });

  it('refuses malformed PATCH paths', () => {
    for (const text of [
      '',
      'members[',
      'members[]',
      'members]',
      'members[value eq "x"',
      'emails[type eq "work"]junk',
      'emails[type eq "work"].a.b',
      'emails[type eq "work"][value pr]',
      'emails[x[y pr]]',
      'name.givenName[value pr]',
      'urn:example:nope:attr[value pr]',
    ]) {
      assert.throws(() => patch(text), FilterSyntaxError, JSON.stringify(text));
    }
  });
});
