import assert from 'node:assert/strict';
import { FilterSyntaxError, parseAttrPath, parseFilter, parsePatchPath } from '../../src/scim/filter.js';

const schemas = [
  'urn:ietf:params:scim:schemas:core:2.0:User',
  'urn:ietf:params:scim:schemas:core:2.0:Group',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  'urn:ietf:params:scim:schemas:extension:roster:2.0:User',
];
const parse = (text: string) => parseFilter(text, schemas);
const compare = (attr: string, op: string, value: unknown, sub?: string) => ({ kind: 'compare', path: { attr, ...(sub ? { sub } : {}) }, op, value });

describe('SCIM filter parser (RFC 7644 §3.4.2.2)', () => {
  it('parses every comparison operator and pr, case-insensitively', () => {
    for (const op of ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']) {
      assert.deepEqual(parse(`title ${op.toUpperCase()} "x"`), compare('title', op, 'x'));
    }
    assert.deepEqual(parse('title pr'), { kind: 'present', path: { attr: 'title' } });
  });

  it('binds not tighter than and, and and tighter than or', () => {
    assert.deepEqual(parse('a eq 1 or b eq 2 and c eq 3'), {
      kind: 'or',
      left: compare('a', 'eq', 1),
      right: { kind: 'and', left: compare('b', 'eq', 2), right: compare('c', 'eq', 3) },
    });
    assert.deepEqual(parse('((a eq 1) or (b eq 2)) and not (c pr)'), {
      kind: 'and',
      left: { kind: 'or', left: compare('a', 'eq', 1), right: compare('b', 'eq', 2) },
      right: { kind: 'not', filter: { kind: 'present', path: { attr: 'c' } } },
    });
  });

  it('parses complex attribute filters, also with a trailing sub-attribute', () => {
    assert.deepEqual(parse('emails[type eq "work" and value co "@x"]'), {
      kind: 'valuePath',
      path: { attr: 'emails' },
      filter: { kind: 'and', left: compare('type', 'eq', 'work'), right: compare('value', 'co', '@x') },
    });
    assert.deepEqual(parse('emails[type eq "work"].value eq "a@x.com"'), {
      kind: 'valuePath',
      path: { attr: 'emails' },
      filter: { kind: 'and', left: compare('type', 'eq', 'work'), right: compare('value', 'eq', 'a@x.com') },
    });
    assert.deepEqual(parse('id eq "g1" and members[value eq "u1"]'), {
      kind: 'and',
      left: compare('id', 'eq', 'g1'),
      right: { kind: 'valuePath', path: { attr: 'members' }, filter: compare('value', 'eq', 'u1') },
    });
  });

  it('reads URN-qualified paths whose schema contains dots', () => {
    assert.deepEqual((parse('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m"') as { path: unknown }).path, {
      schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      attr: 'manager',
      sub: 'value',
    });
    assert.throws(() => parse('urn:example:unknown:attr eq "x"'), FilterSyntaxError);
  });

  it('reads JSON strings with escapes, numbers, booleans, null, and unquoted words', () => {
    assert.deepEqual(parse('displayName eq "a \\"quoted\\" name"'), compare('displayName', 'eq', 'a "quoted" name'));
    assert.deepEqual(parse('externalId eq jyoung'), compare('externalId', 'eq', 'jyoung'));
    assert.deepEqual(parse('x eq -2.5e1'), compare('x', 'eq', -25));
    assert.deepEqual(parse('active eq TRUE'), compare('active', 'eq', true));
    assert.deepEqual(parse('title eq null'), compare('title', 'eq', null));
    assert.deepEqual(parse('meta.lastModified gt "2011-05-13T04:42:34Z"'), compare('meta', 'gt', '2011-05-13T04:42:34Z', 'lastModified'));
  });

  it('refuses malformed filters with a position', () => {
    const bad = ['', '   ', '(userName eq "a"', 'userName eq "a")', 'userName xx "a"', 'userName eq', 'userName eq "a" trailing', 'not userName eq "a"',
      'emails[type eq "work"', 'emails[members[value eq "x"]]', 'userName eq "unterminated', 'a.b.c eq 1', 'title pr "x"'];
    for (const text of bad) assert.throws(() => parse(text), FilterSyntaxError, JSON.stringify(text));
    assert.throws(() => parse(`${'('.repeat(60)}a eq 1${')'.repeat(60)}`), /deeper/);
    assert.throws(() => parse(`userName eq "${'x'.repeat(10_001)}"`), /longer/);
    assert.throws(() => parse('userName xx "a"'), /position 10/);
  });

  it('parses attribute paths and PATCH paths', () => {
    assert.deepEqual(parseAttrPath('name.givenName', schemas), { attr: 'name', sub: 'givenName' });
    assert.deepEqual(parsePatchPath('members[value eq "2819c223"]', schemas), { path: { attr: 'members' }, filter: compare('value', 'eq', '2819c223') });
    assert.deepEqual(parsePatchPath('emails[type eq "work"].value', schemas), { path: { attr: 'emails' }, filter: compare('type', 'eq', 'work'), sub: 'value' });
    assert.deepEqual(parsePatchPath('urn:ietf:params:scim:schemas:core:2.0:User:userName', schemas), { path: { schema: schemas[0], attr: 'userName' } });
    assert.throws(() => parsePatchPath('emails[type eq "work"]junk', schemas), FilterSyntaxError);
  });
});
