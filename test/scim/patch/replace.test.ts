import assert from 'node:assert/strict';
import { fromPatchedScimUser } from '../../../src/scim/users.mapper.js';
import { enterprise, group, groupId, idsOf, memberIds, patchGroup, patchUser, refused, roster, user, userId } from './fixtures.js';

/** RFC 7644 §3.5.2.3, the replace operation, on plain SCIM JSON, and what Okta and Entra send. */
describe('SCIM PATCH replace (RFC 7644 §3.5.2.3)', () => {
  describe('with a path', () => {
    it('replaces every member of a group', () => {
      const patched = patchGroup(group(), { op: 'replace', path: 'members', value: [{ value: memberIds.edsger }, { value: memberIds.barbara }] });
      assert.deepEqual(idsOf(patched.members), [memberIds.edsger, memberIds.barbara]);
    });

    it('replaces a multi-valued attribute with a single value given alone', () => {
      const patched = patchUser(user(), { op: 'replace', path: 'emails', value: { value: 'ada@lovelace.example', type: 'work' } });
      assert.deepEqual(patched.emails, [{ value: 'ada@lovelace.example', type: 'work' }]);
    });

    it('replaces a single-valued attribute', () => {
      assert.equal(patchUser(user(), { op: 'replace', path: 'userName', value: 'ada@lovelace.example' }).userName, 'ada@lovelace.example');
    });

    it('replaces the sub-attributes given for a complex attribute and leaves the others unchanged', () => {
      const patched = patchUser(user(), { op: 'replace', path: 'name', value: { familyName: 'King', formatted: 'Ada King' } });
      assert.deepEqual(patched.name, { formatted: 'Ada King', givenName: 'Ada', familyName: 'King' });
    });

    it('replaces one sub-attribute, name.familyName', () => {
      assert.deepEqual(patchUser(user(), { op: 'replace', path: 'name.familyName', value: 'King' }).name, {
        formatted: 'Ada Byron',
        givenName: 'Ada',
        familyName: 'King',
      });
    });

    it('replaces the work address, addresses[type eq "work"], keeping the sub-attributes not given', () => {
      const patched = patchUser(user(), {
        op: 'replace',
        path: 'addresses[type eq "work"]',
        value: { streetAddress: '1 Difference Lane', locality: 'Cambridge' },
      });
      assert.deepEqual(patched.addresses, [{ type: 'work', streetAddress: '1 Difference Lane', locality: 'Cambridge', country: 'GB' }, user().addresses[1]]);
    });

    it('replaces one sub-attribute of the work address, addresses[type eq "work"].streetAddress', () => {
      const patched = patchUser(user(), { op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1 Difference Lane' });
      assert.equal(patched.addresses[0].streetAddress, '1 Difference Lane');
      assert.deepEqual(patched.addresses[1], user().addresses[1]);
    });

    it('replaces an extension attribute by its URN-prefixed path', () => {
      assert.equal(patchUser(user(), { op: 'replace', path: `${roster}:role`, value: 'billing' })[roster].role, 'billing');
    });
  });

  describe('without a path', () => {
    it('replaces each attribute of the value: emails wholesale, nickName set, the rest kept', () => {
      const patched = patchUser(user(), { op: 'replace', value: { emails: [{ value: 'ada@lovelace.example', type: 'work' }], nickName: 'Ada' } });
      assert.deepEqual(patched.emails, [{ value: 'ada@lovelace.example', type: 'work' }]);
      assert.equal(patched.nickName, 'Ada');
      assert.deepEqual(patched.addresses, user().addresses);
    });

    it("renames a group and replaces its members from one object (Okta's group push)", () => {
      const patched = patchGroup(group(), { op: 'replace', value: { id: groupId, displayName: 'Language Design', members: [{ value: memberIds.barbara }] } });
      assert.equal(patched.displayName, 'Language Design');
      assert.deepEqual(idsOf(patched.members), [memberIds.barbara]);
    });
  });

  describe('what Okta sends', () => {
    it('deactivates with {"op":"replace","value":{"id":…,"active":false}}, the id being no change', () => {
      const patched = patchUser(user(), { op: 'replace', value: { id: userId, active: false } });
      assert.deepEqual(patched, { ...user(), active: false });
    });
  });

  describe('what Entra sends', () => {
    it('keeps "False" and "True" as sent; the User mapper reads them as booleans', () => {
      for (const [sent, active] of [
        ['False', false],
        ['True', true],
      ] as const) {
        const patched = patchUser(user({ active: !active }), { op: 'Replace', path: 'active', value: sent });
        assert.equal(patched.active, sent);
        assert.equal(fromPatchedScimUser(patched).active, active, sent);
      }
    });

    it('matches paths, filter attributes and filter values whatever their case', () => {
      const patched = patchUser(
        user(),
        { op: 'Replace', path: 'Name.GivenName', value: 'Augusta' },
        { op: 'Replace', path: 'emails[Type eq "Work"].Value', value: 'augusta@analytical.example' },
        { op: 'Replace', path: 'ACTIVE', value: 'False' },
      );
      assert.equal(patched.name.givenName, 'Augusta');
      assert.equal(patched.emails[0].value, 'augusta@analytical.example');
      assert.equal(patched.emails[1].value, 'ada@home.example');
      assert.equal(patched.active, 'False');
    });

    it("writes under the schema's own name when the document spells an attribute differently", () => {
      const { title: _title, ...rest } = user();
      const patched = patchUser({ ...rest, Title: 'Analyst' }, { op: 'Replace', path: 'title', value: 'Engineer' });
      assert.equal(patched.title, 'Engineer');
      assert.equal('Title' in patched, false);
    });

    it('takes dotted and URN-prefixed keys in a path-less value (aadOptscim062020)', () => {
      const patched = patchUser(user(), { op: 'replace', value: { 'name.givenName': 'Augusta', [`${enterprise}:employeeNumber`]: '1815' } });
      assert.deepEqual(patched.name, { formatted: 'Ada Byron', givenName: 'Augusta', familyName: 'Byron' });
      assert.deepEqual(patched[enterprise], { employeeNumber: '1815' });
    });

    it('takes an extension object whose URN is spelled in another case', () => {
      const patched = patchUser(user(), { op: 'Replace', value: { [roster.toUpperCase()]: { Role: 'admin' } } });
      assert.equal(patched[roster].role, 'admin');
      assert.equal(roster.toUpperCase() in patched, false);
    });

    it('creates a missing work email from emails[type eq "work"].value', () => {
      const patched = patchUser(user({ emails: [{ value: 'ada@home.example', type: 'home' }] }), {
        op: 'Replace',
        path: 'emails[type eq "work"].value',
        value: 'ada@analytical.example',
      });
      assert.deepEqual(patched.emails, [
        { value: 'ada@home.example', type: 'home' },
        { type: 'work', value: 'ada@analytical.example' },
      ]);
    });
  });

  describe('refusals', () => {
    it('answers noTarget when a filter selects no value and no sub-attribute is named', () => {
      const error = refused(() => patchUser(user(), { op: 'replace', path: 'addresses[type eq "other"]', value: { locality: 'Paris' } }), 'noTarget');
      assert.match(error.message, /No value of addresses matches/);
    });

    it('refuses with mutability a change of id, in a path-less value or by path', () => {
      refused(() => patchUser(user(), { op: 'replace', value: { id: 'f00dfeed-0000-4000-8000-000000000002', active: false } }), 'mutability');
      refused(() => patchUser(user(), { op: 'replace', path: 'id', value: userId }), 'mutability');
      refused(() => patchUser(user(), { op: 'replace', path: 'meta.version', value: 'W/"2"' }), 'mutability');
      refused(() => patchGroup(group(), { op: 'replace', value: { id: userId } }), 'mutability');
    });

    it('refuses paths that name nothing with invalidPath', () => {
      refused(() => patchUser(user(), { op: 'replace', path: 'name.nickName', value: 'Ada' }), 'invalidPath');
      refused(() => patchUser(user(), { op: 'replace', path: `${enterprise}:shoeSize`, value: 38 }), 'invalidPath');
      refused(() => patchUser(user(), { op: 'replace', value: { shoeSize: 38 } }), 'invalidPath');
    });

    it('refuses with invalidValue what is not an object where one is needed', () => {
      refused(() => patchUser(user(), { op: 'replace', path: 'addresses[type eq "work"]', value: '1 Difference Lane' }), 'invalidValue');
      refused(() => patchUser(user(), { op: 'replace', value: null }), 'invalidValue');
      refused(() => patchUser(user(), { op: 'replace', value: { [roster]: ['admin'] } }), 'invalidValue');
    });
  });
});
