import assert from 'node:assert/strict';
import { createApiKey, revokeApiKey } from '../../../src/org/credentials/credentials.service.js';
import { getMemberDetails, searchMembers } from '../../../src/org/lists/directory.service.js';
import { createGroup } from '../../../src/org/groups/groups.service.js';
import { suspendMember } from '../../../src/org/members/member-changes.service.js';
import { partitionByFreeSeat, setSeatLimit, assignSeat } from '../../../src/org/seats/seats.service.js';
import { db } from '../../support/database.js';
import { makeMember, makeOrganization, rejectionOf, system, tx, unique } from '../../support/factories.js';

describe('member search and details', () => {
  it('finds members by a part of their last name or of any of their emails, in any letter case, and by role', async () => {
    const org = await makeOrganization();
    const tag = unique('s');
    const byName = await makeMember(org.id, { profile: { userName: `${unique('a')}@example.test`, name: { familyName: `Mc${tag}Duff` } } });
    const bySecondEmail = await makeMember(org.id, {
      role: 'billing',
      profile: {
        userName: `${unique('b')}@example.test`,
        emails: [
          { value: `${unique('b')}@example.test`, primary: true },
          { value: `${tag}@elsewhere.test`, primary: false },
        ],
      },
    });
    await makeMember(org.id, { profile: { userName: `${unique('c')}@example.test`, displayName: tag } });

    const found = await searchMembers(db(), org.id, { text: ` ${tag.toUpperCase()} `, limit: 10 });
    assert.deepEqual(found.items.map((entry) => entry.id).sort(), [byName.id, bySecondEmail.id].sort(), 'displayName is not searched');
    assert.deepEqual(
      (await searchMembers(db(), org.id, { text: tag, role: 'billing', limit: 10 })).items.map((entry) => entry.id),
      [bySecondEmail.id],
    );
    assert.deepEqual(
      (await searchMembers(db(), org.id, { role: 'admin', limit: 10 })).items.map((entry) => entry.id),
      [org.admin.id],
    );
    assert.equal((await rejectionOf(searchMembers(db(), org.id, { role: 'owner' as never, limit: 10 }))).code, 'invalid_role');
  });

  it('pages by keyset in id order, telling whether another page follows', async () => {
    const org = await makeOrganization();
    for (let n = 0; n < 4; n++) await makeMember(org.id);
    const all = await searchMembers(db(), org.id, { limit: 10 });
    assert.equal(all.items.length, 5);
    assert.deepEqual(
      all.items.map((entry) => entry.id),
      all.items.map((entry) => entry.id).sort(),
    );
    const first = await searchMembers(db(), org.id, { limit: 3 });
    const second = await searchMembers(db(), org.id, { limit: 3, afterId: first.items.at(-1)!.id });
    assert.deepEqual([first.next !== null, second.next !== null], [true, false]);
    assert.deepEqual(
      [...first.items, ...second.items].map((entry) => entry.id),
      all.items.map((entry) => entry.id),
    );
    assert.deepEqual((await searchMembers(db(), org.id, { limit: 3, afterId: 'not-an-id' })).items, []);
  });

  it('pages a search by keyset: whether found by last name, by one email or by several, each member comes once, in id order', async () => {
    const org = await makeOrganization();
    const tag = unique('k');
    const emails = (...values: string[]) => values.map((value, index) => ({ value, primary: index === 0 }));
    const everywhere = await makeMember(org.id, {
      profile: { userName: `${tag}.1@example.test`, name: { familyName: `O${tag}` }, emails: emails(`${tag}.1@example.test`, `${tag}.2@example.test`) },
    });
    const secondEmail = await makeMember(org.id, {
      role: 'billing',
      profile: { userName: `${unique('b')}@example.test`, emails: emails(`${unique('b')}@example.test`, `x${tag}@example.test`) },
    });
    const byName = await makeMember(org.id, { role: 'billing', profile: { userName: `${unique('c')}@example.test`, name: { familyName: `${tag}son` } } });
    const twoEmails = await makeMember(org.id, {
      profile: { userName: `a.${tag}@example.test`, emails: emails(`a.${tag}@example.test`, `b.${tag}@example.test`) },
    });
    await makeMember(org.id, { profile: { userName: `${unique('d')}@example.test`, name: { familyName: 'Elsewhere' } } });
    const expected = [everywhere, secondEmail, byName, twoEmails].map((member) => member.id).sort();

    const pages = async (search: { role?: 'billing'; limit: number }) => {
      const ids: string[] = [];
      for (let afterId: string | undefined, more = true; more;) {
        const page = await searchMembers(db(), org.id, { text: tag.toUpperCase(), ...search, ...(afterId ? { afterId } : {}) });
        ids.push(...page.items.map((entry) => entry.id));
        afterId = page.items.at(-1)?.id;
        more = page.next !== null;
      }
      return ids;
    };

    assert.deepEqual(await pages({ limit: 1 }), expected);
    assert.deepEqual(await pages({ limit: 2 }), expected);
    assert.deepEqual(await pages({ limit: 1, role: 'billing' }), [secondEmail.id, byName.id].sort());
    assert.deepEqual((await searchMembers(db(), org.id, { text: `${tag}_`, limit: 10 })).items, [], 'a LIKE wildcard is matched as itself');
  });

  it('looks a text up through trigram indexes on last names and emails, not by reading every member', async () => {
    const plan = await tx(async (t) => {
      // With so few rows a scan is cheapest: forbid it, to see which indexes the planner can use at all.
      await t.raw('SET LOCAL enable_seqscan = off');
      // Nor a walk along the primary key filtering every row (what the embedded database's planner may pick instead).
      await t.raw('SET LOCAL enable_indexscan = off');
      const explained = await t.raw(
        `EXPLAIN SELECT m.id FROM members m WHERE lower(m.family_name) LIKE '%smith%'
          UNION SELECT e.member_id FROM member_emails e WHERE lower(e.value) LIKE '%smith%'`,
      );
      return (explained.rows as Array<Record<string, string>>).map((row) => Object.values(row)[0]).join('\n');
    });
    assert.match(plan, /members_family_name_trgm/);
    assert.match(plan, /member_emails_value_trgm/);
  });

  it('gathers a member’s seats, Workspaces, groups and API keys; another Organization’s member is not found', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 1));
    await tx((t) => assignSeat(t, system, org.id, member.id, 'chat'));
    const group = await tx((t) => createGroup(t, system, org.id, { displayName: unique('G'), memberIds: [member.id] }));
    const { apiKey } = await tx((t) => createApiKey(t, system, org.id, member.id, org.defaultWorkspace.id, 'laptop'));

    const details = await tx((t) => getMemberDetails(t, org.id, member.id));
    assert.deepEqual(details.member.seats, ['chat']);
    assert.deepEqual(details.member.groups, [{ id: group.id, displayName: group.displayName, managedBy: 'none' }]);
    assert.deepEqual(
      details.workspaces.map((entry) => [entry.workspace.name, entry.role]),
      [[org.defaultWorkspace.name, 'contributor']],
    );
    assert.deepEqual(
      details.apiKeys.map((key) => key.id),
      [apiKey.id],
    );

    await tx((t) => revokeApiKey(t, system, org.id, apiKey.id));
    await tx((t) => suspendMember(t, system, org.id, member.id));
    const suspended = await tx((t) => getMemberDetails(t, org.id, member.id));
    assert.deepEqual(suspended.workspaces, [], 'a suspended member reaches nothing');
    assert.deepEqual(suspended.member.seats, []);
    assert.ok(suspended.apiKeys[0]!.revokedAt);

    const other = await makeOrganization();
    assert.equal((await rejectionOf(tx((t) => getMemberDetails(t, other.id, member.id)))).code, 'member_not_found');
  });

  it('splits products into those with a free seat and those without, keeping the pools locked', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 1));
    await tx((t) => setSeatLimit(t, system, org.id, 'code', 0));
    assert.deepEqual(await tx((t) => partitionByFreeSeat(t, org.id, ['code', 'chat', 'nopool', 'chat'])), { free: ['chat'], unavailable: ['code', 'nopool'] });
    assert.equal((await rejectionOf(tx((t) => partitionByFreeSeat(t, org.id, ['Bad Name'])))).code, 'invalid_product');
  });
});
