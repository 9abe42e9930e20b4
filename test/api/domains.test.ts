import assert from 'node:assert/strict';
import request from 'supertest';
import { apiClient, authApp, followLink, linkMailedTo, sessionFor } from '../support/auth.js';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.js';
import { makeMember, makeOrganization, unique } from '../support/factories.js';

describe('/api/v1/domains', () => {
  let dns: TestDnsServer;
  let app: ReturnType<typeof authApp>;
  before(async () => {
    dns = await startDnsServer();
    app = authApp({ dnsServers: dns.servers });
  });
  after(() => dns.close());

  const as = (token: string) => apiClient(app, token);

  it('lets an Admin claim a domain, publish its TXT record, verify it and turn auto-join on', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const name = `${unique('acme')}.test`;
    const claimed = await admin.post('/domains', { domain: name.toUpperCase() }).expect(201);
    assert.equal(claimed.body.domain, name);
    assert.equal(claimed.body.status, 'pending');
    assert.match(claimed.body.txtRecord.value, /^roster-verification=[A-Za-z0-9_-]{32}$/);
    assert.equal((await admin.patch(`/domains/${claimed.body.id}`, { autoJoin: true }).expect(409)).body.error.code, 'domain_not_verified');

    const missing = await admin.post(`/domains/${claimed.body.id}/verify`).expect(200);
    assert.equal(missing.body.status, 'pending');
    assert.match(missing.body.lastError, /does not exist|no TXT|roster-verification/);

    dns.setTxt(name, [claimed.body.txtRecord.value]);
    const verified = await admin.post(`/domains/${claimed.body.id}/verify`).expect(200);
    assert.equal(verified.body.status, 'verified');
    assert.equal((await admin.patch(`/domains/${claimed.body.id}`, { autoJoin: true }).expect(200)).body.autoJoin, true);
    assert.deepEqual(
      (await admin.get('/domains').expect(200)).body.domains.map((domain: { domain: string }) => domain.domain),
      [name],
    );
    await admin.delete(`/domains/${claimed.body.id}`).expect(204);
    await admin.get(`/domains/${claimed.body.id}`).expect(404);
  });

  it('refuses members who are not Admins, callers without a session or Organization, and other Organizations’ ids', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const claimed = await admin.post('/domains', { domain: `${unique('corp')}.test` }).expect(201);

    assert.equal(
      (
        await as(await sessionFor(app, org.id, member.userName))
          .get('/domains')
          .expect(403)
      ).body.error.code,
      'forbidden_role',
    );
    assert.equal((await request(app).get('/api/v1/domains').expect(401)).body.error.code, 'not_signed_in');
    const loner = `${unique('loner')}@example.test`;
    await request(app).post('/auth/email').send({ email: loner }).expect(202);
    const accountOnly = (await followLink(app, (await linkMailedTo(loner)).token).expect(200)).body.token as string;
    assert.equal((await as(accountOnly).get('/domains').expect(403)).body.error.code, 'no_organization');

    const other = await makeOrganization();
    const otherAdmin = as(await sessionFor(app, other.id, other.admin.userName));
    await otherAdmin.get(`/domains/${claimed.body.id}`).expect(404);
    await otherAdmin.delete(`/domains/${claimed.body.id}`).expect(404);
  });

  it('answers bad input with a clear code and changes nothing', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    for (const [body, code] of [
      [{}, 'invalid_request'],
      [{ domain: 'gmail.com' }, 'consumer_domain'],
      [{ domain: 'co.uk' }, 'public_suffix'],
      [{ domain: 'github.io' }, 'public_suffix'],
      [{ domain: 'not a domain' }, 'invalid_domain'],
      [{ domain: 'acme.test', extra: true }, 'invalid_request'],
    ] as const) {
      assert.equal((await admin.post('/domains', body).expect(400)).body.error.code, code);
    }
    assert.deepEqual((await admin.get('/domains').expect(200)).body.domains, []);
  });
});
