import assert from 'node:assert/strict';
import { listAuditEvents } from '../../../src/org/audit/audit.service.js';
import { createApiKey, authenticateApiKey } from '../../../src/org/credentials/credentials.service.js';
import { addGroupMembers, createGroup } from '../../../src/org/groups/groups.service.js';
import { changeMember, changeRole, assessChange, reactivateMember, suspendMember, updateProfile } from '../../../src/org/members/member-changes.service.js';
import { addMember, getMember, leaveOrganization, removeMember } from '../../../src/org/members/members.service.js';
import { assignSeat, listSeatPools, seatsOf, setSeatLimit } from '../../../src/org/seats/seats.service.js';
import { addWorkspaceMember, createWorkspace, effectiveAccess, getWorkspace } from '../../../src/org/workspaces/workspaces.service.js';
import { newId } from '../../../src/db/ids.js';
import { inOneStatement } from '../../../src/db/transaction.js';
import { ChangedMeanwhileError } from '../../../src/org/organizations/versions.js';
import { db } from '../../support/database.js';
import { countRows, makeMember, makeOrganization, rejectionOf, system, tx, unique } from '../../support/factories.js';

describe('members', () => {
  describe('adding', () => {
    it('puts a new member in the default Workspace with role Member and records one event', async () => {
      const org = await makeOrganization();
      const member = await makeMember(org.id);

      assert.equal(member.role, 'member');
      assert.equal(member.status, 'active');
      assert.equal(member.managedBy, 'none');
      assert.equal(member.version, 1);
      const access = await tx((t) => effectiveAccess(t, org.id, member.id));
      assert.deepEqual(
        access.map((entry) => [entry.workspaceId, entry.role]),
        [[org.defaultWorkspace.id, 'contributor']],
      );
      const events = await tx((t) => listAuditEvents(t, { organizationId: org.id, targetId: member.id }));
      assert.deepEqual(
        events.map((event) => event.action),
        ['member.created'],
      );
    });

    it('refuses a member for an Organization that does not exist, and writes nothing', async () => {
      const missing = newId();
      const error = await rejectionOf(tx((t) => addMember(t, system, missing, { profile: { userName: 'nobody@x.test' }, source: 'scim' })));
      assert.equal((error as { kind?: string }).kind, 'not_found');
      assert.equal(await countRows('members', { organization_id: missing }), 0);
    });

    it('marks SCIM- and SSO-created members as managed by their IdP', async () => {
      const org = await makeOrganization();
      const scim = await makeMember(org.id, { source: 'scim' });
      const sso = await makeMember(org.id, { source: 'sso' });
      assert.equal(scim.managedBy, 'scim');
      assert.equal(sso.managedBy, 'sso');
    });

    it('refuses a userName that differs from an existing one only in letter case (409 uniqueness)', async () => {
      const org = await makeOrganization();
      await makeMember(org.id, { profile: { userName: 'Jane.Doe@Example.test' } });
      const error = await rejectionOf(makeMember(org.id, { profile: { userName: 'jane.doe@example.TEST' } }));
      assert.equal(error.code, 'user_name_taken');
      assert.equal(error.kind, 'conflict');
    });

    it('allows the same userName in two Organizations', async () => {
      const [first, second] = [await makeOrganization(), await makeOrganization()];
      await makeMember(first.id, { profile: { userName: 'same@example.test' } });
      await makeMember(second.id, { profile: { userName: 'same@example.test' } });
    });

    it('creates exactly one member when 20 requests create one userName in different letter cases at once', async () => {
      const org = await makeOrganization();
      const base = `${unique('race')}@example.test`;
      const variants = Array.from({ length: 20 }, (_, i) => [...base].map((char, j) => ((i >> (j % 5)) & 1 ? char.toUpperCase() : char)).join(''));
      const results = await Promise.allSettled(variants.map((userName) => makeMember(org.id, { profile: { userName } })));

      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
      for (const result of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        assert.equal((result.reason as { code?: string }).code, 'user_name_taken');
      }
      const count = await db()('members').where('organization_id', org.id).whereRaw('lower(user_name) = ?', [base.toLowerCase()]).count({ n: '*' });
      assert.equal(Number(count[0]!.n), 1);
      assert.equal(await countRows('audit_events', { organization_id: org.id, action: 'member.created' }), 2);
    });

    it('leaves nothing behind when a seat asked for at creation is not available', async () => {
      const org = await makeOrganization();
      await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
      await tx((t) => setSeatLimit(t, system, org.id, 'code', 0));
      const userName = `${unique('seatless')}@example.test`;

      const error = await rejectionOf(makeMember(org.id, { profile: { userName }, seats: ['chat', 'code'] }));

      assert.equal(error.code, 'no_seats_available');
      assert.equal(await countRows('members', { organization_id: org.id, user_name: userName }), 0);
      assert.equal(await countRows('workspace_members', { organization_id: org.id }), 1);
      assert.equal(await countRows('audit_events', { organization_id: org.id, action: 'member.created' }), 1);
      const pools = await tx((t) => listSeatPools(t, org.id));
      assert.deepEqual(
        pools.map((pool) => [pool.product, pool.assigned]),
        [
          ['chat', 0],
          ['code', 0],
        ],
      );
    });
  });

  describe('profile', () => {
    it('updates fields, moves to the next version and records the changed fields', async () => {
      const org = await makeOrganization();
      const member = await makeMember(org.id);
      const updated = await tx((t) =>
        updateProfile(t, org.adminActor, org.id, member.id, { name: { givenName: 'Ada', familyName: 'Lovelace' }, title: 'Engineer' }),
      );
      assert.equal(updated.name.givenName, 'Ada');
      assert.equal(updated.title, 'Engineer');
      assert.equal(updated.version, 2);
      const events = await tx((t) => listAuditEvents(t, { organizationId: org.id, targetId: member.id, action: 'member.updated' }));
      assert.deepEqual(events[0]!.data.fields, ['name.givenName', 'name.familyName', 'title']);
    });

    it('changes nothing and records nothing when the values are the same', async () => {
      const org = await makeOrganization();
      const member = await makeMember(org.id, { profile: { userName: `${unique('same')}@example.test`, title: 'Chef' } });
      const after = await tx((t) => updateProfile(t, org.adminActor, org.id, member.id, { title: 'Chef' }));
      assert.equal(after.version, member.version);
      assert.equal(await countRows('audit_events', { target_id: member.id, action: 'member.updated' }), 0);
    });

    it('refuses an admin edit of the name or email of a SCIM-managed member, naming the IdP', async () => {
      const org = await makeOrganization();
      const member = await makeMember(org.id, { source: 'scim' });

      const error = await rejectionOf(tx((t) => updateProfile(t, org.adminActor, org.id, member.id, { name: { givenName: 'Mallory' } })));

      assert.equal(error.code, 'externally_managed');
      assert.match(error.message, /SCIM/);
      assert.equal((await tx((t) => getMember(t, org.id, member.id))).name.givenName, null);
    });

    it('refuses an admin edit of an SSO-managed email but accepts other fields', async () => {
      const org = await makeOrganization();
      const member = await makeMember(org.id, { source: 'sso' });
      const error = await rejectionOf(
        tx((t) => updateProfile(t, org.adminActor, org.id, member.id, { emails: [{ value: 'other@example.test', primary: true }] })),
      );
      assert.equal(error.code, 'externally_managed');
      assert.match(error.message, /single sign-on/);
      const updated = await tx((t) => updateProfile(t, org.adminActor, org.id, member.id, { title: 'Lead' }));
      assert.equal(updated.title, 'Lead');
    });

    it('lets the managing IdP change the name', async () => {
      const org = await makeOrganization();
      const member = await makeMember(org.id, { source: 'scim' });
      const updated = await tx((t) => updateProfile(t, { type: 'scim_token', id: 'token' }, org.id, member.id, { name: { givenName: 'Grace' } }));
      assert.equal(updated.name.givenName, 'Grace');
    });

    it('refuses a change made against an outdated version', async () => {
      const org = await makeOrganization();
      const member = await makeMember(org.id);
      await tx((t) => updateProfile(t, system, org.id, member.id, { title: 'A' }));
      const error = await rejectionOf(tx((t) => updateProfile(t, system, org.id, member.id, { title: 'B' }, { ifVersion: 1 })));
      assert.equal(error.code, 'version_mismatch');
    });
  });

  describe('a change planned on an unlocked read', () => {
    it('is written when the member is still at the version seen, with its event in the same statement', async () => {
      const org = await makeOrganization();
      const member = await makeMember(org.id);
      const seen = { ...(await tx((t) => getMember(t, org.id, member.id))), seats: [] };
      const changed = await tx((t) => changeMember(t, system, org.id, member.id, { profile: { title: 'Engineer' } }, { seen }));
      assert.equal(changed.title, 'Engineer');
      assert.equal(changed.version, member.version + 1);
      const events = await tx((t) => listAuditEvents(t, { organizationId: org.id, targetId: member.id }));
      assert.deepEqual(
        events.map((event) => event.action),
        ['member.created', 'member.updated'],
      );
    });

    it('writes nothing and says so when another change came in between', async () => {
      const org = await makeOrganization();
      const member = await makeMember(org.id);
      await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
      const seen = { ...(await tx((t) => getMember(t, org.id, member.id))), seats: [] };
      await tx((t) => updateProfile(t, system, org.id, member.id, { title: 'Meanwhile' }));
      const error = await rejectionOf(
        tx((t) =>
          changeMember(t, system, org.id, member.id, { profile: { emails: [{ value: 'new@example.test' }] }, active: false, seats: ['chat'] }, { seen }),
        ),
      );
      assert.ok(error instanceof ChangedMeanwhileError);
      const stored = await tx((t) => getMember(t, org.id, member.id));
      assert.equal(stored.title, 'Meanwhile');
      assert.equal(stored.status, 'active');
      assert.deepEqual(
        stored.emails.map((email) => email.value),
        member.emails.map((email) => email.value),
      );
      assert.deepEqual(await tx((t) => seatsOf(t, org.id, member.id)), []);
      const events = await tx((t) => listAuditEvents(t, { organizationId: org.id, targetId: member.id }));
      assert.deepEqual(
        events.map((event) => event.action),
        ['member.created', 'member.updated'],
      );
    });

    it('suspends in one statement without a transaction, and revokes nothing when the member changed meanwhile', async () => {
      const org = await makeOrganization();
      await tx((t) => setSeatLimit(t, system, org.id, 'chat', 2));
      const member = await makeMember(org.id, { seats: ['chat'] });
      const { key } = await tx((t) => createApiKey(t, system, org.id, member.id, org.defaultWorkspace.id, 'ci'));
      const seen = { ...(await tx((t) => getMember(t, org.id, member.id))), seats: ['chat'] };
      assert.ok(assessChange(seen, { active: false }).oneStatement);
      await tx((t) => updateProfile(t, system, org.id, member.id, { title: 'Meanwhile' }));

      const stale = await rejectionOf(inOneStatement(db(), (t) => changeMember(t, system, org.id, member.id, { active: false }, { seen })));
      assert.ok(stale instanceof ChangedMeanwhileError);
      assert.equal((await tx((t) => getMember(t, org.id, member.id))).status, 'active');
      assert.deepEqual(await tx((t) => seatsOf(t, org.id, member.id)), ['chat']);
      assert.notEqual(await tx((t) => authenticateApiKey(t, key)), null);

      const fresh = { ...(await tx((t) => getMember(t, org.id, member.id))), seats: ['chat'] };
      const suspended = await inOneStatement(db(), (t) => changeMember(t, system, org.id, member.id, { active: false }, { seen: fresh }));
      assert.equal(suspended.status, 'suspended');
      assert.deepEqual(await tx((t) => seatsOf(t, org.id, member.id)), []);
      assert.equal(await tx((t) => authenticateApiKey(t, key)), null);
      assert.equal((await tx((t) => listSeatPools(t, org.id)))[0]!.assigned, 0);
    });
  });

  describe('the last active Admin (invariant 1)', () => {
    it('cannot be demoted, suspended, removed or leave', async () => {
      const org = await makeOrganization();
      const attempts = [
        () => tx((t) => changeRole(t, org.adminActor, org.id, org.admin.id, 'member')),
        () => tx((t) => suspendMember(t, { type: 'scim_token', id: 'token' }, org.id, org.admin.id)),
        () => tx((t) => removeMember(t, org.adminActor, org.id, org.admin.id)),
        () => tx((t) => leaveOrganization(t, org.id, org.admin.id)),
      ];
      for (const attempt of attempts) {
        const error = await rejectionOf(attempt());
        assert.equal(error.code, 'last_admin');
        assert.match(error.message, /only active Admin/);
      }
      const admin = await tx((t) => getMember(t, org.id, org.admin.id));
      assert.equal(admin.role, 'admin');
      assert.equal(admin.status, 'active');
    });

    it('does not count a suspended Admin as the remaining one', async () => {
      const org = await makeOrganization();
      const second = await makeMember(org.id, { role: 'admin' });
      await tx((t) => suspendMember(t, system, org.id, second.id));
      const error = await rejectionOf(tx((t) => changeRole(t, system, org.id, org.admin.id, 'billing')));
      assert.equal(error.code, 'last_admin');
    });

    it('keeps one Admin when two Admins demote each other at the same time', async () => {
      for (let round = 0; round < 5; round++) {
        const org = await makeOrganization();
        const other = await makeMember(org.id, { role: 'admin' });
        const results = await Promise.allSettled([
          tx((t) => changeRole(t, { type: 'member', id: other.id }, org.id, org.admin.id, 'member')),
          tx((t) => changeRole(t, org.adminActor, org.id, other.id, 'member')),
        ]);
        assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
        assert.equal(await countRows('members', { organization_id: org.id, role: 'admin', status: 'active' }), 1);
      }
    });

    it('keeps one Admin when two Admins remove each other at the same time', async () => {
      for (let round = 0; round < 5; round++) {
        const org = await makeOrganization();
        const other = await makeMember(org.id, { role: 'admin' });
        const results = await Promise.allSettled([
          tx((t) => removeMember(t, { type: 'member', id: other.id }, org.id, org.admin.id)),
          tx((t) => removeMember(t, org.adminActor, org.id, other.id)),
        ]);
        assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
        const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
        assert.equal((rejected.reason as { code?: string }).code, 'last_admin');
        assert.equal(await countRows('members', { organization_id: org.id, role: 'admin', status: 'active' }), 1);
      }
    });

    it('keeps one Admin when one demotes and the other leaves at the same time', async () => {
      const org = await makeOrganization();
      const other = await makeMember(org.id, { role: 'admin' });
      await Promise.allSettled([
        tx((t) => changeRole(t, org.adminActor, org.id, other.id, 'billing')),
        tx((t) => leaveOrganization(t, org.id, org.admin.id)),
        tx((t) => suspendMember(t, system, org.id, other.id)),
      ]);
      assert.equal(await countRows('members', { organization_id: org.id, role: 'admin', status: 'active' }), 1);
    });
  });

  describe('suspension and reactivation', () => {
    it('revokes access and frees seats but keeps memberships, which reactivation restores', async () => {
      const org = await makeOrganization();
      await tx((t) => setSeatLimit(t, system, org.id, 'chat', 1));
      const member = await makeMember(org.id, { seats: ['chat'] });
      const workspace = await tx((t) => createWorkspace(t, org.adminActor, org.id, unique('Design')));
      await tx((t) => addWorkspaceMember(t, org.adminActor, org.id, workspace.id, member.id, 'contributor'));
      const group = await tx((t) => createGroup(t, org.adminActor, org.id, { displayName: unique('Team') }));
      await tx((t) => addGroupMembers(t, org.adminActor, org.id, group.id, [member.id]));
      const { key } = await tx((t) => createApiKey(t, { type: 'member', id: member.id }, org.id, member.id, workspace.id, 'ci'));
      await db()('sessions').insert({
        id: crypto.randomUUID(),
        account_id: await accountOf(member.id),
        organization_id: org.id,
        member_id: member.id,
        expires_at: new Date(Date.now() + 3_600_000),
      });

      const suspended = await tx((t) => suspendMember(t, system, org.id, member.id));

      assert.equal(suspended.status, 'suspended');
      const [event] = await tx((t) => listAuditEvents(t, { organizationId: org.id, targetId: member.id, action: 'member.suspended' }));
      assert.deepEqual(event!.data, { status: { from: 'active', to: 'suspended' }, sessionsRevoked: 1, apiKeysRevoked: 1, seatsReleased: ['chat'] });
      assert.deepEqual(await tx((t) => seatsOf(t, org.id, member.id)), []);
      assert.equal((await tx((t) => listSeatPools(t, org.id)))[0]!.assigned, 0);
      assert.equal(await tx((t) => authenticateApiKey(t, key)), null);
      assert.equal(await countRows('sessions', { member_id: member.id, revoked_at: null }), 0);
      assert.deepEqual(await tx((t) => effectiveAccess(t, org.id, member.id)), []);
      assert.equal(await countRows('workspace_members', { member_id: member.id }), 2);
      assert.equal(await countRows('group_members', { member_id: member.id }), 1);
      const seatError = await rejectionOf(tx((t) => assignSeat(t, system, org.id, member.id, 'chat')));
      assert.equal(seatError.code, 'member_suspended');

      await tx((t) => reactivateMember(t, system, org.id, member.id));
      const access = await tx((t) => effectiveAccess(t, org.id, member.id));
      assert.deepEqual(access.map((entry) => entry.workspaceId).sort(), [org.defaultWorkspace.id, workspace.id].sort());
    });

    it('is idempotent and records one event per actual change', async () => {
      const org = await makeOrganization();
      const member = await makeMember(org.id);
      await tx((t) => suspendMember(t, system, org.id, member.id));
      await tx((t) => suspendMember(t, system, org.id, member.id));
      await tx((t) => reactivateMember(t, system, org.id, member.id));
      await tx((t) => reactivateMember(t, system, org.id, member.id));
      const events = await tx((t) => listAuditEvents(t, { organizationId: org.id, targetId: member.id }));
      assert.deepEqual(
        events.map((event) => event.action),
        ['member.created', 'member.suspended', 'member.reactivated'],
      );
    });
  });

  describe('removal', () => {
    it('revokes keys, frees seats, drops memberships and leaves what the member created', async () => {
      const org = await makeOrganization();
      await tx((t) => setSeatLimit(t, system, org.id, 'code', 2));
      const member = await makeMember(org.id, { role: 'admin', seats: ['code'] });
      const actor = { type: 'member' as const, id: member.id };
      const workspace = await tx((t) => createWorkspace(t, actor, org.id, unique('Research')));
      const group = await tx((t) => createGroup(t, actor, org.id, { displayName: unique('Readers'), memberIds: [member.id] }));
      const { key, apiKey } = await tx((t) => createApiKey(t, actor, org.id, member.id, workspace.id, 'laptop'));

      await tx((t) => removeMember(t, org.adminActor, org.id, member.id));

      assert.equal((await rejectionOf(tx((t) => getMember(t, org.id, member.id)))).code, 'member_not_found');
      assert.equal(await tx((t) => authenticateApiKey(t, key)), null);
      const storedKey = await db()('api_keys').where({ id: apiKey.id }).first();
      assert.ok(storedKey.revoked_at, 'the key is kept, revoked');
      assert.equal((await tx((t) => listSeatPools(t, org.id)))[0]!.assigned, 0);
      assert.equal(await countRows('workspace_members', { member_id: member.id }), 0);
      assert.equal(await countRows('group_members', { member_id: member.id }), 0);
      assert.equal((await tx((t) => getWorkspace(t, org.id, workspace.id))).name, workspace.name);
      assert.equal(await countRows('groups', { id: group.id }), 1);
      const events = await tx((t) => listAuditEvents(t, { organizationId: org.id, targetId: member.id, action: 'member.removed' }));
      assert.equal(events.length, 1);
      assert.deepEqual(events[0]!.data.seatsReleased, ['code']);
    });

    it('lets a member leave on their own', async () => {
      const org = await makeOrganization();
      const member = await makeMember(org.id);
      await tx((t) => leaveOrganization(t, org.id, member.id));
      assert.equal(await countRows('members', { id: member.id }), 0);
      assert.equal(await countRows('audit_events', { target_id: member.id, action: 'member.left', actor_id: member.id }), 1);
    });

    it('lets a removed person be added again with nothing carried over', async () => {
      const org = await makeOrganization();
      await tx((t) => setSeatLimit(t, system, org.id, 'chat', 3));
      const userName = `${unique('again')}@example.test`;
      const first = await makeMember(org.id, { profile: { userName }, role: 'billing', seats: ['chat'] });
      await tx((t) => removeMember(t, system, org.id, first.id));
      const second = await makeMember(org.id, { profile: { userName } });
      assert.notEqual(second.id, first.id);
      assert.equal(second.role, 'member');
      assert.deepEqual(await tx((t) => seatsOf(t, org.id, second.id)), []);
    });
  });

  it('refuses a role that does not exist, changing nothing', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const error = await rejectionOf(tx((t) => changeRole(t, system, org.id, member.id, 'owner' as never)));
    assert.equal(error.code, 'invalid_role');
    const error2 = await rejectionOf(tx((t) => addMember(t, system, org.id, { source: 'scim', profile: { userName: '  ' } })));
    assert.equal(error2.code, 'invalid_value');
  });
});

async function accountOf(memberId: string): Promise<string> {
  const member = await db()('members').where({ id: memberId }).first();
  if (member.account_id) return member.account_id as string;
  const id = crypto.randomUUID();
  await db()('accounts').insert({ id, email: `${id}@example.test` });
  await db()('members').where({ id: memberId }).update({ account_id: id });
  return id;
}
