import assert from 'node:assert/strict';
import { setSeatLimit } from '../../../src/org/seats/seats.service.js';
import { updateSsoSettings } from '../../../src/org/sso-connections/sso-connections.service.js';
import { authApp } from '../../support/auth.js';
import { db } from '../../support/database.js';
import { system, tx } from '../../support/factories.js';
import { postToAcs, ssoOrganization, type SsoOrganization } from '../../support/sso.js';

/**
 * A JIT sign-in writes the member, its account link, its NameID, its seats, their
 * audit events and the session in one transaction. A PostgreSQL trigger, made and
 * dropped by each test, makes the database refuse one of those writes (for this
 * Organization only); whatever step fails, nothing of the sign-in is left.
 */
describe('a JIT sign-in is all or nothing', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });

  async function jitOrganization(): Promise<SsoOrganization> {
    const org = await ssoOrganization({ idpInitiatedEnabled: true });
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
    await tx((t) => updateSsoSettings(t, system, org.id, { autoAssignSeats: true, autoSeatProducts: ['chat'] }));
    return org;
  }

  /** Makes inserts into `table` for the Organization fail while `work` runs (when `condition` holds of the new row). */
  async function failingInsert<T>(table: string, organizationId: string, condition: string, work: () => Promise<T>): Promise<T> {
    const name = `fail_${table}_${organizationId.replaceAll('-', '')}`;
    await db().raw(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.organization_id = '${organizationId}' AND (${condition}) THEN RAISE EXCEPTION 'injected fault on ${table}'; END IF;
        RETURN NEW;
      END $$`);
    await db().raw(`CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`);
    try {
      return await work();
    } finally {
      await db().raw(`DROP TRIGGER ${name} ON ${table}`);
      await db().raw(`DROP FUNCTION ${name}()`);
    }
  }

  async function written(org: SsoOrganization, email: string) {
    const count = async (query: PromiseLike<unknown[]>) => Number(((await query) as Array<{ n: string }>)[0]!.n);
    return {
      members: await count(db()('members').where({ organization_id: org.id }).whereRaw('lower(user_name) = lower(?)', [email]).count({ n: '*' })),
      accounts: await count(db()('accounts').whereRaw('lower(email) = lower(?)', [email]).count({ n: '*' })),
      identities: await count(db()('sso_identities').where({ organization_id: org.id }).count({ n: '*' })),
      seats: await count(db()('seat_assignments').where({ organization_id: org.id }).count({ n: '*' })),
      sessions: await count(db()('sessions').where({ organization_id: org.id }).count({ n: '*' })),
      // The Organization's own first Admin was created before: only events about others count.
      events: (await db()('audit_events')
        .where({ organization_id: org.id })
        .whereNot({ target_id: org.admin.id })
        .whereIn('action', ['member.created', 'member.account_linked', 'seat.assigned'])
        .orderBy('id')
        .pluck('action')) as string[],
      chatAssigned: Number((await db()('seat_pools').where({ organization_id: org.id, product: 'chat' }).first()).assigned),
    };
  }

  const nothing = { members: 0, accounts: 0, identities: 0, seats: 0, sessions: 0, events: [], chatAssigned: 0 };

  const steps: Array<{ step: string; table: string; condition?: string }> = [
    { step: 'the member insert', table: 'members' },
    { step: 'the member.created event', table: 'audit_events', condition: "NEW.action = 'member.created'" },
    { step: 'the NameID (after the member and its account link)', table: 'sso_identities' },
    { step: 'the seats', table: 'seat_assignments' },
    { step: 'the seats’ audit event', table: 'audit_events', condition: "NEW.action = 'seat.assigned'" },
    { step: 'the session (after everything else)', table: 'sessions' },
  ];
  for (const { step, table, condition } of steps) {
    it(`leaves nothing written when writing ${step} fails`, async () => {
      const org = await jitOrganization();
      const email = org.email();
      const answer = await failingInsert(table, org.id, condition ?? 'true', () => postToAcs(app, org.id, org.response({ nameId: email })));
      assert.ok(answer.status >= 400, `status ${answer.status}`);
      assert.deepEqual(await written(org, email), nothing);
    });
  }

  it('writes everything at once when nothing fails: the member is created linked, never linked afterwards', async () => {
    const org = await jitOrganization();
    const email = org.email();
    // A member row without its account would be the first half of a two-step create.
    const signed = await failingInsert('members', org.id, 'NEW.account_id IS NULL', () => postToAcs(app, org.id, org.response({ nameId: email })).expect(200));
    const member = await db()('members').where({ id: signed.body.memberId }).first();
    assert.equal(member.account_id, (await db()('accounts').where({ email }).first()).id);
    assert.deepEqual(await written(org, email), {
      members: 1,
      accounts: 1,
      identities: 1,
      seats: 1,
      sessions: 1,
      events: ['member.created', 'seat.assigned'],
      chatAssigned: 1,
    });
  });
});
