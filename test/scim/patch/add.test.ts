import assert from 'node:assert/strict';
import { enterprise, group, groupId, idsOf, memberIds, patchGroup, patchUser, refused, roster, user, userId } from './fixtures.js';

/** RFC 7644 §3.5.2.1, the add operation, on plain SCIM JSON. */
describe('SCIM PATCH add (RFC 7644 §3.5.2.1)', () => {
  describe('with a path', () => {
    it('appends members to a group, keeping the ones it had', () => {
      const patched = patchGroup(group(), { op: 'add', path: 'members', value: [{ value: memberIds.edsger, display: 'Edsger Dijkstra' }] });
      assert.deepEqual(idsOf(patched.members), [memberIds.grace, memberIds.alan, memberIds.edsger]);
      assert.deepEqual(patched.members[2], { value: memberIds.edsger, display: 'Edsger Dijkstra' });
    });

    it('does not add a member twice when the value is already there, whatever its case', () => {
      const patched = patchGroup(group(), {
        op: 'add',
        path: 'members',
        value: [{ value: memberIds.alan.toUpperCase() }, { value: memberIds.barbara }],
      });
      assert.deepEqual(idsOf(patched.members), [memberIds.grace, memberIds.alan, memberIds.barbara]);
    });

    it('takes a single value where a list is expected', () => {
      const patched = patchGroup(group({ members: [] }), { op: 'add', path: 'members', value: { value: memberIds.edsger } });
      assert.deepEqual(idsOf(patched.members), [memberIds.edsger]);
    });

    it('creates a multi-valued attribute the resource did not have', () => {
      const patched = patchUser(user(), { op: 'add', path: 'phoneNumbers', value: [{ value: '+44 20 7946 0000', type: 'work' }] });
      assert.deepEqual(patched.phoneNumbers, [{ value: '+44 20 7946 0000', type: 'work' }]);
    });

    it('replaces a single-valued attribute', () => {
      assert.equal(patchUser(user(), { op: 'add', path: 'title', value: 'Engineer' }).title, 'Engineer');
    });

    it('sets the sub-attributes given for a complex attribute and keeps the others', () => {
      const patched = patchUser(user(), { op: 'add', path: 'name', value: { familyName: 'Lovelace', honorificPrefix: 'Countess' } });
      assert.deepEqual(patched.name, { formatted: 'Ada Byron', givenName: 'Ada', familyName: 'Lovelace', honorificPrefix: 'Countess' });
    });

    it('sets one sub-attribute named with a dot, name.familyName', () => {
      const patched = patchUser(user(), { op: 'add', path: 'name.familyName', value: 'Lovelace' });
      assert.deepEqual(patched.name, { formatted: 'Ada Byron', givenName: 'Ada', familyName: 'Lovelace' });
    });

    it('creates the complex attribute when a sub-attribute is added to a resource without it', () => {
      const { name: _none, ...nameless } = user();
      assert.deepEqual(patchUser(nameless, { op: 'add', path: 'name.givenName', value: 'Ada' }).name, { givenName: 'Ada' });
    });

    it('adds an extension attribute by its URN-prefixed path, creating the extension object', () => {
      const patched = patchUser(user(), { op: 'add', path: `${enterprise}:employeeNumber`, value: '1815' });
      assert.deepEqual(patched[enterprise], { employeeNumber: '1815' });
    });

    it('adds to a value of a multi-valued extension attribute', () => {
      const patched = patchUser(user(), { op: 'add', path: `${roster}:seats`, value: ['code', 'chat'] });
      assert.deepEqual(patched[roster].seats, ['chat', 'code']);
    });

    it('changes a sub-attribute of the values a filter selects, emails[type eq "work"].display', () => {
      const patched = patchUser(user(), { op: 'add', path: 'emails[type eq "work"].display', value: 'Ada at work' });
      assert.deepEqual(patched.emails, [
        { value: 'ada@analytical.example', type: 'work', primary: true, display: 'Ada at work' },
        { value: 'ada@home.example', type: 'home' },
      ]);
    });

    it('merges an object into the values a filter selects, emails[type eq "home"]', () => {
      const patched = patchUser(user(), { op: 'add', path: 'emails[type eq "home"]', value: { display: 'Ada at home' } });
      assert.deepEqual(patched.emails[1], { value: 'ada@home.example', type: 'home', display: 'Ada at home' });
      assert.deepEqual(patched.emails[0], user().emails[0]);
    });

    it('creates the value an equality filter describes when none matches (Entra: emails[type eq "work"].value)', () => {
      const patched = patchUser(user({ emails: [] }), { op: 'Add', path: 'emails[type eq "work"].value', value: 'ada@analytical.example' });
      assert.deepEqual(patched.emails, [{ type: 'work', value: 'ada@analytical.example' }]);
    });

    it('creates the value from every equality of an "and" filter', () => {
      const patched = patchUser(user({ emails: [] }), { op: 'add', path: 'emails[type eq "work" and primary eq true].value', value: 'ada@analytical.example' });
      assert.deepEqual(patched.emails, [{ type: 'work', primary: true, value: 'ada@analytical.example' }]);
    });
  });

  describe('without a path', () => {
    it('adds each attribute of the value: an email is appended, a nickName set', () => {
      const patched = patchUser(user(), { op: 'add', value: { emails: [{ value: 'ada@lovelace.example', type: 'other' }], nickName: 'Ada' } });
      assert.deepEqual(
        patched.emails.map((email: { value: string }) => email.value),
        ['ada@analytical.example', 'ada@home.example', 'ada@lovelace.example'],
      );
      assert.equal(patched.nickName, 'Ada');
      assert.equal(patched.title, 'Analyst');
    });

    it('adds extension attributes given as an object under the extension URN', () => {
      const patched = patchUser(user(), { op: 'add', value: { [enterprise]: { department: 'Mathematics', costCenter: 'M-1' } } });
      assert.deepEqual(patched[enterprise], { department: 'Mathematics', costCenter: 'M-1' });
    });

    it("ignores schemas, meta and the resource's own id in the value", () => {
      const before = user();
      const patched = patchUser(before, { op: 'add', value: { schemas: ['urn:example:other'], meta: { version: 'W/"1"' }, id: userId, title: 'Engineer' } });
      assert.deepEqual(patched, { ...before, title: 'Engineer' });
    });
  });

  describe('refusals', () => {
    it('refuses read-only attributes with mutability: id, meta, groups', () => {
      refused(() => patchUser(user(), { op: 'add', path: 'id', value: 'another' }), 'mutability');
      refused(() => patchUser(user(), { op: 'add', path: 'meta.location', value: 'https://elsewhere.example' }), 'mutability');
      refused(() => patchUser(user(), { op: 'add', path: 'groups', value: [{ value: groupId }] }), 'mutability');
      refused(() => patchUser(user(), { op: 'add', value: { id: 'another' } }), 'mutability');
    });

    it('refuses paths that name nothing with invalidPath', () => {
      refused(() => patchUser(user(), { op: 'add', path: 'shoeSize', value: 38 }), 'invalidPath');
      refused(() => patchUser(user(), { op: 'add', path: 'name.nickName', value: 'Ada' }), 'invalidPath');
      refused(() => patchUser(user(), { op: 'add', path: 'urn:example:params:scim:other:shoeSize', value: 38 }), 'invalidPath');
      refused(() => patchUser(user(), { op: 'add', path: 'title[value eq "Analyst"]', value: 'Engineer' }), 'invalidPath');
      refused(() => patchUser(user(), { op: 'add', path: 'emails[type eq "work"', value: 'x@example.com' }), 'invalidPath');
      refused(() => patchUser(user(), { op: 'add', path: 'emails[type eq "work" and roles[value eq "x"]].value', value: 'x' }), 'invalidPath');
    });

    it('answers noTarget when a filter selects nothing and describes no value to create', () => {
      refused(() => patchUser(user(), { op: 'add', path: 'emails[type eq "other"]', value: { value: 'x@example.com' } }), 'noTarget');
      refused(() => patchUser(user(), { op: 'add', path: 'emails[value ew "@lovelace.example"].display', value: 'x' }), 'noTarget');
    });

    it('refuses with invalidValue a missing value, a path-less value that is not an object, a filtered value that is not one', () => {
      refused(() => patchUser(user(), { op: 'add', path: 'title' }), 'invalidValue');
      refused(() => patchUser(user(), { op: 'add', value: 'Engineer' }), 'invalidValue');
      refused(() => patchUser(user(), { op: 'add', value: [{ title: 'Engineer' }] }), 'invalidValue');
      refused(() => patchUser(user(), { op: 'add', value: { [enterprise]: 'Mathematics' } }), 'invalidValue');
      refused(() => patchUser(user(), { op: 'add', path: 'emails[type eq "work"]', value: 'x@example.com' }), 'invalidValue');
    });
  });
});
