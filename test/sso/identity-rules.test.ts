import assert from 'node:assert/strict';
import request from 'supertest';
import { createTxtLookup } from '../../src/dns/txt-resolver.js';
import { claimDomain, setDomainAutoJoin, verifyDomain } from '../../src/org/domains/domains.service.js';
import { authApp, followLink, linkMailedTo } from '../support/auth.js';
import { db } from '../support/database.js';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.js';
import { makeMember, makeOrganization, system, tx, unique, type TestOrganization } from '../support/factories.js';

describe('who an email sign-in lets in', () => {
  let dns: TestDnsServer;
  let app: ReturnType<typeof authApp>;
  before(async () => {
    dns = await startDnsServer();
    app = authApp();
  });
  after(() => dns.close());

  async function verifiedDomain(org: TestOrganization, autoJoin: boolean): Promise<string> {
    const name = `${unique('corp')}.test`;
    const claimed = await tx((t) => claimDomain(t, system, org.id, name));
    dns.setTxt(name, [claimed.txtRecord]);
    await tx((t) => verifyDomain(t, system, org.id, claimed.id, createTxtLookup(dns.servers, 1000)));
    if (autoJoin) await tx((t) => setDomainAutoJoin(t, system, org.id, claimed.id, true));
    return name;
  }

  async function signIn(email: string, organizationId: string | undefined, status: number) {
    await request(app)
      .post('/auth/email')
      .send({ email, ...(organizationId ? { organizationId } : {}) })
      .expect(202);
    return followLink(app, (await linkMailedTo(email)).token).expect(status);
  }

  it('makes a person with a verified email on an auto-join domain a Member of its Organization', async () => {
    const org = await makeOrganization();
    const domain = await verifiedDomain(org, true);
    const email = `${unique('grace')}@${domain}`;
    const signed = await signIn(email, undefined, 200);
    assert.equal(signed.body.organizationId, org.id);
    const member = await db()('members').where({ id: signed.body.memberId }).first();
    assert.equal(member.role, 'member');
    assert.equal(member.source, 'domain');
    assert.equal(member.user_name, email);
    const events = await db()('audit_events').where({ organization_id: org.id, target_id: member.id }).pluck('action');
    assert.deepEqual(events, ['member.created']);
  });

  it('joins nobody when auto-join is off, the domain is only claimed, or the address merely looks like the domain', async () => {
    const org = await makeOrganization();
    const closed = await verifiedDomain(org, false);
    const pending = `${unique('pending')}.test`;
    await tx((t) => claimDomain(t, system, org.id, pending));
    const open = await verifiedDomain(org, true);
    for (const email of [`${unique('a')}@${closed}`, `${unique('b')}@${pending}`, `${unique('c')}@${open}.evil.test`, `${unique('d')}@evil.test`]) {
      const signed = await signIn(email, undefined, 200);
      assert.equal(signed.body.organizationId, null, email);
      assert.equal(signed.body.memberId, null, email);
    }
    assert.equal((await signIn(`${unique('e')}@${open}.evil.test`, org.id, 403)).body.error.code, 'not_a_member');
    assert.equal(
      await db()('members')
        .where({ organization_id: org.id })
        .count({ n: '*' })
        .then((rows) => Number(rows[0]!.n)),
      1,
    );
  });

  it('links a provisioned member to the Account that proves their email, only on a domain the Organization verified', async () => {
    const org = await makeOrganization();
    const domain = await verifiedDomain(org, false);
    const provisioned = await makeMember(org.id, { source: 'scim', profile: { userName: `${unique('ada')}@${domain}` } });
    const signed = await signIn(provisioned.userName, org.id, 200);
    assert.equal(signed.body.memberId, provisioned.id);
    assert.ok((await db()('members').where({ id: provisioned.id }).first()).account_id);

    const elsewhere = await makeMember(org.id, { source: 'scim', profile: { userName: `${unique('bob')}@unverified.test` } });
    assert.equal((await signIn(elsewhere.userName, org.id, 403)).body.error.code, 'not_a_member');
    assert.equal((await db()('members').where({ id: elsewhere.id }).first()).account_id, null);
  });
});
