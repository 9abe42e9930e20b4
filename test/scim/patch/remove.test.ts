import assert from 'node:assert/strict';
import { enterprise, group, idsOf, memberIds, patchGroup, patchUser, refused, roster, user } from './fixtures.js';

/** RFC 7644 §3.5.2.2, the remove operation, on plain SCIM JSON. */
describe('SCIM PATCH remove (RFC 7644 §3.5.2.2)', () => {
  describe('of a whole attribute', () => {
    it('removes every member of a group when the path is members', () => {
      assert.equal('members' in patchGroup(group(), { op: 'remove', path: 'members' }), false);
    });

    it('removes a single-valued attribute, whatever the case of its name', () => {
      const patched = patchUser(user(), { op: 'Remove', path: 'Title' });
      assert.equal('title' in patched, false);
      assert.equal('Title' in patched, false);
    });

    it('removes an extension attribute by its URN-prefixed path', () => {
      const patched = patchUser(user({ [enterprise]: { department: 'Mathematics', costCenter: 'M-1' } }), { op: 'remove', path: `${enterprise}:department` });
      assert.deepEqual(patched[enterprise], { costCenter: 'M-1' });
    });

    it('removes a sub-attribute, name.familyName, keeping the rest of the complex attribute', () => {
      assert.deepEqual(patchUser(user(), { op: 'remove', path: 'name.familyName' }).name, { formatted: 'Ada Byron', givenName: 'Ada' });
    });
  });

  describe('of the values a filter selects', () => {
    it('removes one member, members[value eq "…"]', () => {
      const patched = patchGroup(group(), { op: 'remove', path: `members[value eq "${memberIds.alan}"]` });
      assert.deepEqual(idsOf(patched.members), [memberIds.grace]);
    });

    it('removes every value matching a complex filter, emails[type eq "work" and value ew "analytical.example"]', () => {
      const patched = patchUser(
        user({ emails: [...user().emails, { value: 'ada@analytical.example.org', type: 'work' }, { value: 'byron@analytical.example', type: 'other' }] }),
        { op: 'remove', path: 'emails[type eq "work" and value ew "analytical.example"]' },
      );
      assert.deepEqual(patched.emails, [
        { value: 'ada@home.example', type: 'home' },
        { value: 'ada@analytical.example.org', type: 'work' },
        { value: 'byron@analytical.example', type: 'other' },
      ]);
    });

    it('removes a sub-attribute from the selected values only, addresses[type eq "work"].streetAddress', () => {
      const patched = patchUser(user(), { op: 'remove', path: 'addresses[type eq "work"].streetAddress' });
      assert.deepEqual(patched.addresses, [
        { type: 'work', locality: 'London', country: 'GB' },
        { type: 'home', streetAddress: '3 St James Square', locality: 'London', country: 'GB' },
      ]);
    });

    it('removes a seat, a simple value matched as its own value (seats[value eq "chat"])', () => {
      const patched = patchUser(user({ [roster]: { role: 'member', seats: ['chat', 'code'] } }), { op: 'remove', path: `${roster}:seats[value eq "chat"]` });
      assert.deepEqual(patched[roster].seats, ['code']);
    });

    it('leaves the attribute as it was when the filter selects nothing', () => {
      const before = group();
      assert.deepEqual(patchGroup(before, { op: 'remove', path: `members[value eq "${memberIds.barbara}"]` }), before);
    });
  });

  describe('of the values listed in "value" (Entra\'s default dialect)', () => {
    it('removes the members listed, {"op":"Remove","path":"members","value":[{"value":"…"}]}', () => {
      const patched = patchGroup(group(), { op: 'Remove', path: 'members', value: [{ value: memberIds.grace }, { value: memberIds.barbara }] });
      assert.deepEqual(idsOf(patched.members), [memberIds.alan]);
    });

    it('compares the listed values without case and takes a single value', () => {
      const patched = patchUser(user(), { op: 'Remove', path: 'emails', value: { value: 'ADA@HOME.EXAMPLE' } });
      assert.deepEqual(patched.emails, [user().emails[0]]);
    });
  });

  describe('in sequence with other operations', () => {
    it('removes some members and adds others in one request, in order', () => {
      const patched = patchGroup(
        group(),
        { op: 'remove', path: `members[value eq "${memberIds.grace}"]` },
        { op: 'remove', path: `members[value eq "${memberIds.alan}"]` },
        { op: 'add', path: 'members', value: [{ value: memberIds.edsger }, { value: memberIds.barbara }] },
      );
      assert.deepEqual(idsOf(patched.members), [memberIds.edsger, memberIds.barbara]);
    });

    it('replaces all members by removing them and adding the new ones', () => {
      const patched = patchGroup(group(), { op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [{ value: memberIds.barbara }] });
      assert.deepEqual(idsOf(patched.members), [memberIds.barbara]);
    });
  });

  describe('refusals', () => {
    it('answers noTarget when there is no path', () => {
      const error = refused(() => patchUser(user(), { op: 'remove' }), 'noTarget');
      assert.match(error.message, /remove needs a "path"/);
      refused(() => patchUser(user(), { op: 'remove', path: '' }), 'noTarget');
    });

    it('refuses read-only attributes with mutability', () => {
      refused(() => patchUser(user(), { op: 'remove', path: 'id' }), 'mutability');
      refused(() => patchUser(user(), { op: 'remove', path: 'meta' }), 'mutability');
      refused(() => patchUser(user(), { op: 'remove', path: 'groups' }), 'mutability');
    });

    it('refuses paths that name nothing with invalidPath', () => {
      refused(() => patchUser(user(), { op: 'remove', path: 'shoeSize' }), 'invalidPath');
      refused(() => patchUser(user(), { op: 'remove', path: 'name.nickName' }), 'invalidPath');
      refused(() => patchUser(user(), { op: 'remove', path: 'userName[value eq "ada@analytical.example"]' }), 'invalidPath');
      refused(() => patchUser(user(), { op: 'remove', path: 'emails[type eq]' }), 'invalidPath');
      refused(() => patchUser(user(), { op: 'remove', path: 42 }), 'invalidPath');
    });
  });
});
