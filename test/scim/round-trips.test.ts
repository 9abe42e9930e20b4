import assert from 'node:assert/strict';
import { inOneStatement } from '../../src/db/transaction.js';
import { changeGroup, changeOneMembership, createGroup } from '../../src/org/groups/groups.service.js';
import { updateProfile } from '../../src/org/members/member-changes.service.js';
import { db, testDatabase } from '../support/database.js';
import { listSeatPools, setSeatLimit, seatsOf } from '../../src/org/seats/seats.service.js';
import { authenticateApiKey, createApiKey } from '../../src/org/credentials/credentials.service.js';
import { apiClient, authApp, sessionFor } from '../support/auth.js';
import { countRows, makeMember, system, tx, unique } from '../support/factories.js';
import { newUser, patchOp, scimApp, scimClient, type ScimClient } from '../support/scim.js';

const roster = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/**
 * The round trips of Roster's hot SCIM writes, counted: every statement sent to the
 * database costs a round trip on both sides, so a write that needs more of them than
 * its count here has regressed. BEGIN and COMMIT count like any other statement.
 */

interface Sent {
  sql: string;
  /** Whether knex sent it inside a transaction. */
  inTransaction: boolean;
}

/** What the database was sent while `work` ran. */
async function sentDuring(work: () => PromiseLike<unknown>, onEach?: (sent: Sent) => void): Promise<Sent[]> {
  const sent: Sent[] = [];
  const listener = (query: { sql: string; __knexTxId?: string }) => {
    const statement = { sql: query.sql, inTransaction: query.__knexTxId !== undefined };
    sent.push(statement);
    onEach?.(statement);
  };
  db().on('query', listener);
  try {
    await work();
  } finally {
    db().removeListener('query', listener);
  }
  return sent;
}

const transactionControl = (sent: Sent[]) => sent.filter((statement) => /^(begin|commit|rollback)\b/i.test(statement.sql));

/** An IdP whose token stays verified for the whole test, so that no request pays for its authentication. */
async function idpClient(): Promise<ScimClient> {
  const idp = await scimClient(scimApp({ scimTokenCacheMs: 60_000 }));
  await idp.get('/Users?count=1').expect(200);
  return idp;
}

async function createUser(idp: ScimClient, extra: Record<string, unknown> = {}): Promise<Record<string, any>> {
  return (await idp.post('/Users', newUser(`${unique('trips')}@example.com`, extra)).expect(201)).body as Record<string, any>;
}

describe('SCIM writes: the statements each sends', () => {
  describe('PUT /Users/{id}', () => {
    it('is a read and one versioned statement when the profile changes, with no transaction', async () => {
      const idp = await idpClient();
      const user = await createUser(idp, { title: 'Engineer' });
      let replaced: Record<string, any> = {};
      const sent = await sentDuring(async () => {
        replaced = (await idp.put(`/Users/${user.id}`, newUser(user.userName, { title: 'Manager' })).expect(200)).body as Record<string, any>;
      });
      assert.equal(sent.length, 2, sent.map((statement) => statement.sql).join('\n'));
      assert.deepEqual(transactionControl(sent), []);
      assert.match(sent[1]!.sql, /^with "changed" as \(update "members"/);
      assert.equal(replaced.title, 'Manager');
      assert.equal(replaced.meta.version, 'W/"2"');
      const events = await db()('audit_events').where({ organization_id: idp.org.id, target_id: user.id }).orderBy('created_at');
      assert.deepEqual(
        events.map((event: { action: string }) => event.action),
        ['member.created', 'member.updated'],
      );
    });

    it('is one read when it changes nothing, If-Match checked against it', async () => {
      const idp = await idpClient();
      const user = await createUser(idp, { title: 'Engineer' });
      const same = newUser(user.userName, { title: 'Engineer' });
      let answered: Record<string, any> = {};
      const sent = await sentDuring(async () => {
        answered = (await idp.put(`/Users/${user.id}`, same).set('If-Match', 'W/"1"').expect(200)).body as Record<string, any>;
      });
      assert.equal(sent.length, 1, sent.map((statement) => statement.sql).join('\n'));
      assert.equal(answered.meta.version, 'W/"1"');
      assert.equal((await idp.put(`/Users/${user.id}`, same).set('If-Match', 'W/"7"').expect(412)).body.status, '412');
    });

    it('suspends in one statement: seats released and the event written with it', async () => {
      const idp = await idpClient();
      await tx((t) => setSeatLimit(t, system, idp.org.id, 'chat', 1));
      const user = await createUser(idp, { [roster]: { seats: ['chat'] } });
      const sent = await sentDuring(() => idp.put(`/Users/${user.id}`, newUser(user.userName, { active: false, [roster]: { seats: ['chat'] } })).expect(200));
      assert.equal(sent.length, 2, sent.map((statement) => statement.sql).join('\n'));
      assert.equal((await db()('members').where({ id: user.id }).first()).status, 'suspended');
      assert.deepEqual(await tx((t) => seatsOf(t, idp.org.id, user.id as string)), []);
      assert.equal((await db()('audit_events').where({ target_id: user.id, action: 'member.suspended' })).length, 1);
    });

    it('changes an Admin who stays an active Admin in one statement too', async () => {
      const idp = await idpClient();
      const admin = await createUser(idp, { [roster]: { role: 'admin' } });
      const sent = await sentDuring(() => idp.put(`/Users/${admin.id}`, newUser(admin.userName, { title: 'Lead', [roster]: { role: 'admin' } })).expect(200));
      assert.equal(sent.length, 2, sent.map((statement) => statement.sql).join('\n'));
      assert.deepEqual(transactionControl(sent), []);
      const stored = await db()('members').where({ id: admin.id }).first();
      assert.deepEqual([stored.role, stored.status, stored.title], ['admin', 'active', 'Lead']);
    });

    it('locks an Admin before it writes, so the last active Admin is still kept (invariant 1)', async () => {
      const idp = await idpClient();
      const admin = (await db()('members').where({ id: idp.org.admin.id }).first()) as { user_name: string };
      const sent = await sentDuring(() => idp.put(`/Users/${idp.org.admin.id}`, newUser(admin.user_name, { [roster]: { role: 'member' } })).expect(409));
      assert.ok(
        sent.some((statement) => statement.inTransaction && / for update/i.test(statement.sql)),
        'the Admin is read under its lock',
      );
      assert.equal((await db()('members').where({ id: idp.org.admin.id }).first()).role, 'admin');
    });

    it('is worked out again on a locked read when the member changed between its read and its write', async function () {
      // The embedded database has one connection: no other change can come in between.
      if (!testDatabase().url) return this.skip();
      const idp = await idpClient();
      const user = await createUser(idp, { title: 'Engineer' });
      // Another change of the member, not yet committed while the PUT reads it.
      let changed!: () => void;
      const meanwhileWritten = new Promise<void>((resolve) => (changed = resolve));
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => (commit = resolve));
      const meanwhile = db().transaction(async (trx) => {
        await updateProfile(trx, system, idp.org.id, user.id as string, { title: 'Meanwhile' });
        changed();
        await committing;
      });
      await meanwhileWritten;
      // It commits once the PUT has read the member and sends its next statement: the write,
      // guarded by the version the PUT read (a PUT that took a lock first would wait for it).
      let statements = 0;
      const onEach = () => {
        if (++statements === 2) commit();
      };
      let replaced: Record<string, any> = {};
      const sent = await sentDuring(async () => {
        replaced = (await idp.put(`/Users/${user.id}`, newUser(user.userName, { title: 'Manager' })).expect(200)).body as Record<string, any>;
      }, onEach);
      await meanwhile;
      assert.deepEqual(
        sent.slice(0, 2).map((statement) => statement.inTransaction),
        [false, false],
        'the PUT read without a lock, then sent one statement',
      );
      assert.match(sent[1]!.sql, /^with "changed" as \(update "members"/);
      assert.equal(replaced.title, 'Manager');
      assert.equal(replaced.meta.version, 'W/"3"', 'the PUT is the change after the other one');
      assert.ok(
        sent.some((statement) => statement.inTransaction && / for update/i.test(statement.sql)),
        'the PUT ran again on a locked read',
      );
      const events = await db()('audit_events').where({ organization_id: idp.org.id, target_id: user.id }).orderBy('created_at');
      assert.deepEqual(
        events.map((event: { action: string }) => event.action),
        ['member.created', 'member.updated', 'member.updated'],
      );
    });
  });

  describe('DELETE /Users/{id}', () => {
    it('removes a member who is not an Admin in one statement: access revoked, seats released, memberships gone, the event written', async () => {
      const idp = await idpClient();
      await tx((t) => setSeatLimit(t, system, idp.org.id, 'chat', 1));
      const user = await createUser(idp, { [roster]: { seats: ['chat'] } });
      const group = (await idp.post('/Groups', { schemas: [groupSchema], displayName: unique('Readers'), members: [{ value: user.id }] }).expect(201)).body;
      const { key } = await tx((t) => createApiKey(t, system, idp.org.id, user.id as string, idp.org.defaultWorkspace.id, 'ci'));
      const session = await sessionFor(authApp(), idp.org.id, user.userName as string);
      const sent = await sentDuring(() => idp.delete(`/Users/${user.id}`).expect(204));
      assert.equal(sent.length, 1, sent.map((statement) => statement.sql).join('\n'));
      assert.equal(sent[0]!.inTransaction, false);
      assert.equal(await countRows('members', { id: user.id }), 0);
      assert.equal(await countRows('group_members', { member_id: user.id }), 0);
      assert.equal(await tx((t) => authenticateApiKey(t, key)), null);
      await apiClient(authApp(), session).get('/members/me').expect(401);
      assert.equal((await tx((t) => listSeatPools(t, idp.org.id))).find((pool) => pool.product === 'chat')!.assigned, 0);
      assert.equal((await idp.get(`/Groups/${group.id}`).expect(200)).body.members?.length ?? 0, 0);
      const events = await db()('audit_events').where({ organization_id: idp.org.id, target_id: user.id, action: 'member.removed' });
      assert.equal(events.length, 1);
      assert.deepEqual(events[0].data, { userName: user.userName, groupsLeft: 1, sessionsRevoked: 1, apiKeysRevoked: 1, seatsReleased: ['chat'] });
      assert.equal(events[0].actor_type, 'scim_token');
    });

    it('writes seatsReleased as an empty list when the member held none, as the locked path does', async () => {
      const idp = await idpClient();
      const user = await createUser(idp);
      await idp.delete(`/Users/${user.id}`).expect(204);
      const event = await db()('audit_events').where({ target_id: user.id, action: 'member.removed' }).first();
      assert.deepEqual(event.data, { userName: user.userName, groupsLeft: 0, sessionsRevoked: 0, apiKeysRevoked: 0, seatsReleased: [] });
    });

    it('honours If-Match: another version removes nothing and answers 412', async () => {
      const idp = await idpClient();
      const user = await createUser(idp);
      await idp.delete(`/Users/${user.id}`).set('If-Match', 'W/"2"').expect(412);
      assert.equal(await countRows('members', { id: user.id }), 1);
      assert.equal(await countRows('audit_events', { target_id: user.id, action: 'member.removed' }), 0);
      const sent = await sentDuring(() => idp.delete(`/Users/${user.id}`).set('If-Match', 'W/"1"').expect(204));
      assert.equal(sent.length, 1);
      await idp.delete(`/Users/${user.id}`).expect(404);
    });

    it('removes an Admin on the locked path, and refuses the last active one (invariant 1)', async () => {
      const idp = await idpClient();
      const other = await createUser(idp, { [roster]: { role: 'admin' } });
      const sent = await sentDuring(() => idp.delete(`/Users/${other.id}`).expect(204));
      assert.ok(
        sent.some((statement) => statement.inTransaction && / for update/i.test(statement.sql)),
        'the Admin is removed under its lock',
      );
      assert.equal(await countRows('audit_events', { target_id: other.id, action: 'member.removed' }), 1);
      await idp.delete(`/Users/${idp.org.admin.id}`).expect(409);
      assert.equal(await countRows('members', { id: idp.org.admin.id }), 1);
    });

    it("answers 404 for another Organization's member and removes nothing", async () => {
      const [idp, other] = [await idpClient(), await idpClient()];
      const user = await createUser(other);
      await idp.delete(`/Users/${user.id}`).expect(404);
      await idp.delete('/Users/not-an-id').expect(404);
      assert.equal(await countRows('members', { id: user.id }), 1);
    });
  });

  describe('POST /Groups', () => {
    it('creates the group, its members and its event in one statement, and answers it with its members', async () => {
      const idp = await idpClient();
      const [ada, bob] = [await makeMember(idp.org.id), await makeMember(idp.org.id)];
      const displayName = unique('Engineering');
      let created: Record<string, any> = {};
      const sent = await sentDuring(async () => {
        created = (
          await idp.post('/Groups', { schemas: [groupSchema], displayName, members: [{ value: bob.id }, { value: ada.id }, { value: bob.id }] }).expect(201)
        ).body as Record<string, any>;
      });
      assert.equal(sent.length, 1, sent.map((statement) => statement.sql).join('\n'));
      assert.deepEqual(transactionControl(sent), []);
      const expected = [ada, bob].sort((a, b) => (a.id < b.id ? -1 : 1)).map((member) => member.id);
      assert.deepEqual(
        created.members.map((member: { value: string }) => member.value),
        expected,
      );
      assert.equal(created.meta.version, 'W/"1"');
      assert.deepEqual(
        (await db()('group_members').where({ group_id: created.id }).orderBy('member_id')).map((row: { member_id: string }) => row.member_id),
        expected,
      );
      const events = await db()('audit_events').where({ target_id: created.id });
      assert.deepEqual(
        events.map((event: { action: string; data: unknown }) => [event.action, event.data]),
        [['group.created', { displayName, managedBy: 'scim', memberIds: [bob.id, ada.id] }]],
      );
    });

    it('creates nothing when a member named is not the Organization’s: 400 naming it', async () => {
      const [idp, other] = [await idpClient(), await idpClient()];
      const [mine, theirs] = [await makeMember(idp.org.id), await makeMember(other.org.id)];
      const displayName = unique('Mixed');
      for (const id of [theirs.id, '00000000-0000-7000-8000-000000000000', 'nope']) {
        const refused = await idp.post('/Groups', { schemas: [groupSchema], displayName, members: [{ value: mine.id }, { value: id }] }).expect(400);
        assert.match(refused.body.detail, new RegExp(id));
      }
      assert.equal(await countRows('groups', { organization_id: idp.org.id, display_name: displayName }), 0);
      assert.equal(await countRows('group_members', { member_id: mine.id }), 0);
    });
  });

  describe('PATCH /Groups/{id} with one member in or out', () => {
    const addOne = (memberId: string) => patchOp({ op: 'add', path: 'members', value: [{ value: memberId }] });
    const removeOne = (memberId: string) => patchOp({ op: 'remove', path: `members[value eq "${memberId}"]` });
    const groupEvents = async (groupId: string) =>
      (await db()('audit_events').where({ target_id: groupId }).orderBy('created_at')).map((event: { action: string; data: unknown }) => [
        event.action,
        event.data,
      ]);

    async function pushedGroup(idp: ScimClient): Promise<Record<string, any>> {
      return (await idp.post('/Groups', { schemas: [groupSchema], displayName: unique('Readers') }).expect(201)).body as Record<string, any>;
    }

    it('adds and removes in one statement each: the membership, the next version and the event together', async () => {
      const idp = await idpClient();
      const member = await makeMember(idp.org.id);
      const group = await pushedGroup(idp);
      const added = await sentDuring(() => idp.patch(`/Groups/${group.id}`, addOne(member.id)).expect(204).expect('ETag', 'W/"2"'));
      assert.equal(added.length, 1, added.map((statement) => statement.sql).join('\n'));
      assert.equal(added[0]!.inTransaction, false);
      assert.equal(await countRows('group_members', { group_id: group.id, member_id: member.id }), 1);
      const removed = await sentDuring(() => idp.patch(`/Groups/${group.id}`, removeOne(member.id)).expect(204).expect('ETag', 'W/"3"'));
      assert.equal(removed.length, 1, removed.map((statement) => statement.sql).join('\n'));
      assert.equal(await countRows('group_members', { group_id: group.id }), 0);
      assert.deepEqual(await groupEvents(group.id as string), [
        ['group.created', { displayName: group.displayName, managedBy: 'scim', memberIds: [] }],
        ['group.updated', { membersAdded: [member.id] }],
        ['group.updated', { membersRemoved: [member.id] }],
      ]);
    });

    it('changes nothing, in one statement, when the member is already in or already out', async () => {
      const idp = await idpClient();
      const member = await makeMember(idp.org.id);
      const group = await pushedGroup(idp);
      await idp.patch(`/Groups/${group.id}`, addOne(member.id)).expect(204);
      const again = await sentDuring(() => idp.patch(`/Groups/${group.id}`, addOne(member.id)).expect(204).expect('ETag', 'W/"2"'));
      assert.equal(again.length, 1);
      await idp.patch(`/Groups/${group.id}`, removeOne(member.id)).expect(204).expect('ETag', 'W/"3"');
      await idp.patch(`/Groups/${group.id}`, removeOne(member.id)).expect(204).expect('ETag', 'W/"3"');
      assert.equal((await groupEvents(group.id as string)).length, 3);
    });

    it('refuses a member of another Organization or an unknown one with 400, changing nothing', async () => {
      const [idp, other] = [await idpClient(), await idpClient()];
      const theirs = await makeMember(other.org.id);
      const group = await pushedGroup(idp);
      for (const id of [theirs.id, '00000000-0000-7000-8000-000000000000', 'nope']) {
        const refused = await idp.patch(`/Groups/${group.id}`, addOne(id)).expect(400);
        assert.match(refused.body.detail, new RegExp(id));
      }
      assert.equal(await countRows('group_members', { group_id: group.id }), 0);
      assert.equal((await groupEvents(group.id as string)).length, 1);
      // Another Organization's group is not found, whatever the member.
      const mine = await makeMember(idp.org.id);
      const theirGroup = await pushedGroup(other);
      await idp.patch(`/Groups/${theirGroup.id}`, addOne(mine.id)).expect(404);
      await idp.patch(`/Groups/${theirGroup.id}`, removeOne(theirs.id)).expect(404);
      assert.equal(await countRows('group_members', { group_id: theirGroup.id }), 0);
    });

    it('honours If-Match: another version changes nothing and answers 412', async () => {
      const idp = await idpClient();
      const member = await makeMember(idp.org.id);
      const group = await pushedGroup(idp);
      await idp.patch(`/Groups/${group.id}`, addOne(member.id)).set('If-Match', 'W/"2"').expect(412);
      assert.equal(await countRows('group_members', { group_id: group.id }), 0);
      await idp.patch(`/Groups/${group.id}`, addOne(member.id)).set('If-Match', 'W/"1"').expect(204).expect('ETag', 'W/"2"');
      await idp.patch(`/Groups/${group.id}`, removeOne(member.id)).set('If-Match', 'W/"1"').expect(412);
      assert.equal(await countRows('group_members', { group_id: group.id }), 1);
    });

    it('answers with the group when attributes are asked for', async () => {
      const idp = await idpClient();
      const member = await makeMember(idp.org.id);
      const group = await pushedGroup(idp);
      const answered = await idp.patch(`/Groups/${group.id}?attributes=members`, addOne(member.id)).expect(200);
      assert.deepEqual(
        answered.body.members.map((entry: { value: string }) => entry.value),
        [member.id],
      );
      assert.equal(answered.headers.etag, 'W/"2"');
    });

    it("keeps a SCIM-pushed group's members for the IdP: the one statement changes nothing for an admin", async () => {
      const idp = await idpClient();
      const member = await makeMember(idp.org.id);
      const group = await pushedGroup(idp);
      const change = { kind: 'add' as const, memberId: member.id };
      assert.equal(await inOneStatement(db(), (t) => changeOneMembership(t, idp.org.adminActor, idp.org.id, group.id as string, change)), undefined);
      assert.equal(await countRows('group_members', { group_id: group.id }), 0);
      const mine = await tx((t) => createGroup(t, idp.org.adminActor, idp.org.id, { displayName: unique('Admins made') }));
      const changed = await inOneStatement(db(), (t) => changeOneMembership(t, idp.org.adminActor, idp.org.id, mine.id, change));
      assert.equal(changed?.version, 2);
    });

    it('applies concurrent single adds and removes one after another: none lost, one version and one event each', async () => {
      const idp = await idpClient();
      const members = await Promise.all(Array.from({ length: 12 }, () => makeMember(idp.org.id)));
      const group = await pushedGroup(idp);
      const responses = await Promise.all(members.map((member) => idp.patch(`/Groups/${group.id}`, addOne(member.id))));
      assert.deepEqual(
        responses.map((response) => response.status),
        Array(12).fill(204),
      );
      const removals = await Promise.all(members.slice(0, 6).map((member) => idp.patch(`/Groups/${group.id}`, removeOne(member.id))));
      assert.ok(removals.every((response) => response.status === 204));
      const stored = await db()('groups').where({ id: group.id }).first();
      assert.equal(stored.version, 1 + 12 + 6);
      assert.equal(await countRows('group_members', { group_id: group.id }), 6);
      assert.equal((await groupEvents(group.id as string)).length, 1 + 12 + 6);
    });

    it('removes a member added by a change that held the group while the removal waited for it', async function () {
      // The embedded database has one connection: nothing can hold the group meanwhile.
      if (!testDatabase().url) return this.skip();
      const idp = await idpClient();
      const member = await makeMember(idp.org.id);
      const group = await pushedGroup(idp);
      // An add of the member holds the group's lock, not yet committed.
      let added!: () => void;
      const addWritten = new Promise<void>((resolve) => (added = resolve));
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => (commit = resolve));
      const adding = db().transaction(async (trx) => {
        await changeGroup(trx, { type: 'scim_token', id: 'other' }, idp.org.id, group.id as string, [{ addMembers: [member.id] }]);
        added();
        await committing;
      });
      await addWritten;
      const removal = idp.patch(`/Groups/${group.id}`, removeOne(member.id)).then((response) => response);
      // The removal has started and waits for the group's lock; then the add commits.
      for (let waited = 0; ; waited += 20) {
        const waiting = await db().raw("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'with \"target\"%'");
        if (waiting.rows[0].n > 0) break;
        assert.ok(waited < 5_000, 'the removal waits for the lock');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      commit();
      await adding;
      const response = await removal;
      assert.equal(response.status, 204);
      assert.equal(await countRows('group_members', { group_id: group.id }), 0, 'the member added meanwhile is removed');
      assert.equal(response.headers.etag, 'W/"3"');
      assert.deepEqual(
        (await groupEvents(group.id as string)).map(([action, data]) => [action, data]),
        [
          ['group.created', { displayName: group.displayName, managedBy: 'scim', memberIds: [] }],
          ['group.updated', { membersAdded: [member.id] }],
          ['group.updated', { membersRemoved: [member.id] }],
        ],
      );
    });
  });
});
