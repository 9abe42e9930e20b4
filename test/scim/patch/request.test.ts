import assert from 'node:assert/strict';
import { parsePatchRequest, parsePath } from '../../../src/scim/patch.js';
import { patchOpSchema, refused } from './fixtures.js';

/** RFC 7644 §3.5.2: the PatchOp message and its paths, before anything is applied. */
describe('SCIM PATCH request (RFC 7644 §3.5.2)', () => {
  describe('parsePatchRequest', () => {
    it('reads the operations in order, op lower-cased (Entra sends Add, Replace, Remove)', () => {
      const operations = parsePatchRequest({
        schemas: [patchOpSchema],
        Operations: [
          { op: 'Add', path: 'members', value: [{ value: 'm1' }] },
          { op: 'REPLACE', value: { active: false } },
          { op: 'Remove', path: ' title ' },
        ],
      });
      assert.deepEqual(operations, [
        { op: 'add', path: 'members', value: [{ value: 'm1' }] },
        { op: 'replace', value: { active: false } },
        { op: 'remove', path: 'title' },
      ]);
    });

    it('reads member names whatever their case: operations, OP, Path, VALUE', () => {
      assert.deepEqual(parsePatchRequest({ operations: [{ OP: 'replace', Path: 'title', VALUE: 'Engineer' }] }), [
        { op: 'replace', path: 'title', value: 'Engineer' },
      ]);
    });

    it('keeps a null value, which means "no value", and drops a null or empty path', () => {
      assert.deepEqual(parsePatchRequest({ Operations: [{ op: 'replace', path: 'title', value: null }] }), [{ op: 'replace', path: 'title', value: null }]);
      assert.deepEqual(parsePatchRequest({ Operations: [{ op: 'add', path: null, value: { title: 'x' } }] }), [{ op: 'add', value: { title: 'x' } }]);
      assert.deepEqual(parsePatchRequest({ Operations: [{ op: 'add', path: '', value: { title: 'x' } }] }), [{ op: 'add', value: { title: 'x' } }]);
    });

    it('refuses a message that is not a PatchOp with invalidSyntax', () => {
      for (const body of [
        null,
        'add',
        [],
        {},
        { Operations: [] },
        { Operations: {} },
        { Operations: ['add'] },
        { Operations: [{ op: 'move', path: 'title' }] },
        { Operations: [{ path: 'title' }] },
      ]) {
        refused(() => parsePatchRequest(body), 'invalidSyntax');
      }
    });

    it('says which operation is wrong', () => {
      const error = refused(() => parsePatchRequest({ Operations: [{ op: 'add', path: 'title', value: 'x' }, { op: 'copy' }] }), 'invalidSyntax');
      assert.match(error.message, /^Operation 2:/);
    });

    it('refuses a path that is not a string with invalidPath', () => {
      refused(() => parsePatchRequest({ Operations: [{ op: 'add', path: ['title'], value: 'x' }] }), 'invalidPath');
    });

    it('refuses a remove without a path with noTarget, an add or replace without a value with invalidValue', () => {
      refused(() => parsePatchRequest({ Operations: [{ op: 'remove', value: [{ value: 'm1' }] }] }), 'noTarget');
      refused(() => parsePatchRequest({ Operations: [{ op: 'add', path: 'title' }] }), 'invalidValue');
      refused(() => parsePatchRequest({ Operations: [{ op: 'replace' }] }), 'invalidValue');
    });
  });

  describe('parsePath', () => {
    it('splits an attribute path into schema, attribute and sub-attribute', () => {
      assert.deepEqual(parsePath('name.familyName'), { path: { attr: 'name', sub: 'familyName' } });
      assert.deepEqual(parsePath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value').path, {
        schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
        attr: 'manager',
        sub: 'value',
      });
    });

    it('reads a value filter and the sub-attribute after it, emails[type eq "work"].value', () => {
      const { path, filter, sub } = parsePath('emails[type eq "work"].value');
      assert.deepEqual(path, { attr: 'emails' });
      assert.equal(sub, 'value');
      assert.deepEqual(filter, { kind: 'compare', path: { attr: 'type' }, op: 'eq', value: 'work' });
    });

    it('turns syntax errors into invalidPath', () => {
      for (const text of [
        'emails[type eq "work"',
        'emails[type eq]',
        'emails[type eq "work"]value',
        'name.givenName[value eq "x"]',
        'urn:example:unknown:title',
      ]) {
        refused(() => parsePath(text), 'invalidPath');
      }
    });
  });
});
