import assert from 'node:assert/strict';
import request from 'supertest';
import { createScimToken } from '../../src/org/credentials/credentials.service.js';
import { setSeatLimit } from '../../src/org/seats/seats.service.js';
import { suspendMember } from '../../src/org/members/member-changes.service.js';
import { Writable } from 'node:stream';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { authApp } from '../support/auth.js';
import { tamper } from '../support/saml-idp.js';
import { testConfig } from '../support/scim.js';
import { db } from '../support/database.js';
import { makeMember, system, tx } from '../support/factories.js';
import { samlifyLoginResponse } from '../support/samlify-idp.js';
import { postToAcs, ssoOrganization, startLogin } from '../support/sso.js';

describe('SAML SSO sign-in', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });
  const whoami = (token: string) => request(app).get('/auth/session').set('Authorization', `Bearer ${token}`);

  it('publishes the service provider metadata an admin pastes into the IdP', async () => {
    const org = await ssoOrganization();
    const metadata = await request(app).get(`/sso/${org.id}/metadata`).expect(200);
    assert.match(String(metadata.headers['content-type']), /samlmetadata\+xml/);
    assert.ok(metadata.text.includes(`entityID="${org.sp.entityId}"`));
    assert.ok(metadata.text.includes(`Location="${org.sp.acsUrl}"`));
    await request(app).get(`/sso/${crypto.randomUUID()}/metadata`).expect(404);
    await request(app).get('/sso/not-an-id/metadata').expect(404);
  });

  it('signs a person in SP-initiated, creating the member just in time, and sends the browser to a RelayState of Roster’s own', async () => {
    const org = await ssoOrganization();
    const { requestId, location } = await startLogin(app, org, '/settings/profile');
    assert.ok(location.startsWith(org.idp.ssoUrl));
    assert.equal(new URL(location).searchParams.get('RelayState'), '/settings/profile');
    const email = org.email();
    const samlResponse = org.response({ inResponseTo: requestId, nameId: email, attributes: { firstName: 'Grace', lastName: 'Hopper' } });
    const posted = await postToAcs(app, org.id, samlResponse, { relayState: '/settings/profile', json: false }).expect(303);
    assert.equal(posted.headers.location, '/settings/profile');
    assert.match(String(posted.headers['set-cookie']), /roster_session=.*HttpOnly/);

    const member = await db()('members').where({ organization_id: org.id, user_name: email }).first();
    assert.equal(member.source, 'sso');
    assert.equal(member.managed_by, 'sso');
    assert.equal(member.role, 'member');
    assert.equal(member.given_name, 'Grace');
    const connection = await db()('sso_connections').where({ organization_id: org.id }).first();
    assert.ok(connection.last_success_at);
  });

  it('redirects to / when the RelayState points elsewhere', async () => {
    const org = await ssoOrganization();
    for (const relayState of ['https://evil.test/', '//evil.test/x', '/\\evil.test', 'javascript:alert(1)']) {
      const { requestId, location } = await startLogin(app, org, relayState);
      assert.equal(new URL(location).searchParams.get('RelayState'), '/');
      const posted = await postToAcs(app, org.id, org.response({ inResponseTo: requestId }), { relayState, json: false }).expect(303);
      assert.equal(posted.headers.location, '/', relayState);
    }
  });

  it('accepts a response from an independent IdP implementation too', async () => {
    const org = await ssoOrganization();
    const { requestId } = await startLogin(app, org);
    const email = org.email();
    const samlResponse = await samlifyLoginResponse({
      idp: org.idp,
      spEntityId: org.sp.entityId,
      acsUrl: org.sp.acsUrl,
      email,
      inResponseTo: requestId,
      signAssertion: true,
      signResponse: false,
    });
    const signed = await postToAcs(app, org.id, samlResponse).expect(200);
    assert.equal((await whoami(signed.body.token).expect(200)).body.account.email, email);
  });

  it('refuses IdP-initiated sign-in unless the Organization turned it on', async () => {
    const closed = await ssoOrganization();
    const refused = await postToAcs(app, closed.id, closed.response({})).expect(401);
    assert.equal(refused.body.error.code, 'idp_initiated_disabled');
    const open = await ssoOrganization({ idpInitiatedEnabled: true });
    await postToAcs(app, open.id, open.response({})).expect(200);
  });

  it('lets a response be used once: a replay, or five parallel posts, sign in exactly once', async () => {
    const org = await ssoOrganization();
    const { requestId } = await startLogin(app, org);
    const samlResponse = org.response({ inResponseTo: requestId });
    const statuses = (await Promise.all(Array.from({ length: 5 }, () => postToAcs(app, org.id, samlResponse)))).map((response) => response.status).sort();
    assert.deepEqual(statuses, [200, 401, 401, 401, 401]);
    await postToAcs(app, org.id, samlResponse).expect(401);
    assert.equal(
      await db()('sessions')
        .where({ organization_id: org.id })
        .whereNot({ member_id: org.admin.id })
        .count({ n: '*' })
        .then((rows) => Number(rows[0]!.n)),
      1,
    );
  });

  it('finishes on one Roster instance a sign-in started on another, and refuses its replay on either', async () => {
    const org = await ssoOrganization();
    const other = authApp();
    const { requestId } = await startLogin(app, org);
    const samlResponse = org.response({ inResponseTo: requestId });
    await postToAcs(other, org.id, samlResponse).expect(200);
    await postToAcs(app, org.id, samlResponse).expect(401);
    await postToAcs(other, org.id, samlResponse).expect(401);
  });

  it('lets people of an auto-join domain in without JIT, and refuses unknown people when neither is on', async () => {
    const org = await ssoOrganization({ idpInitiatedEnabled: true, jitEnabled: false });
    assert.equal((await postToAcs(app, org.id, org.response({ nameId: org.email() })).expect(403)).body.error.code, 'not_a_member');
    const { setDomainAutoJoin } = await import('../../src/org/domains/domains.service.js');
    const domainRow = await db()('domains').where({ organization_id: org.id }).first();
    await tx((t) => setDomainAutoJoin(t, system, org.id, domainRow.id, true));
    const joined = await postToAcs(app, org.id, org.response({ nameId: org.email() })).expect(200);
    const member = await db()('members').where({ id: joined.body.memberId }).first();
    assert.equal(member.source, 'domain');
    assert.equal(member.managed_by, 'sso');
  });

  it('drives IdP-initiated sign-in with the independent IdP too, and ends the session when SCIM suspends the member', async () => {
    const org = await ssoOrganization({ idpInitiatedEnabled: true });
    const email = org.email();
    const samlResponse = await samlifyLoginResponse({
      idp: org.idp,
      spEntityId: org.sp.entityId,
      acsUrl: org.sp.acsUrl,
      email,
      signAssertion: false,
      signResponse: true,
    });
    const signed = await postToAcs(app, org.id, samlResponse).expect(200);
    await whoami(signed.body.token).expect(200);
    const { token: scimToken } = await tx((t) => createScimToken(t, system, org.id));
    await request(app)
      .patch(`/scim/v2/Users/${signed.body.memberId}`)
      .set('Authorization', `Bearer ${scimToken}`)
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] })
      .expect(200);
    assert.equal((await whoami(signed.body.token).expect(401)).body.error.code, 'session_ended');
  });

  it('never writes the assertion, the NameID or the session token to the log', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    const logged = createApp({ config: testConfig(), knex: db(), logger });
    const org = await ssoOrganization({ idpInitiatedEnabled: true });
    const email = org.email();
    const good = org.response({ nameId: email });
    const signed = await postToAcs(logged, org.id, good).expect(200);
    const forged = tamper(org.response({ nameId: org.email() }), (xml) => xml.replace('@', '+x@'));
    await postToAcs(logged, org.id, forged).expect(401);
    await request(logged).get('/auth/session').set('Authorization', `Bearer ${signed.body.token}`).expect(200);
    const text = lines.join('');
    assert.ok(text.includes('request completed'), 'requests are logged');
    for (const secret of [good.slice(0, 40), forged.slice(0, 40), email, signed.body.token as string])
      assert.ok(!text.includes(secret), 'a secret reached the log');
  });

  it('refuses emails outside the Organization’s verified domains, creating and linking nothing', async () => {
    const org = await ssoOrganization({ idpInitiatedEnabled: true });
    for (const nameId of ['someone@elsewhere.test', `x@${org.domain}.evil.test`, `a@${org.domain}<!---->.evil.test`]) {
      const response = await postToAcs(app, org.id, org.response({ nameId })).expect(403);
      assert.equal(response.body.error.code, 'email_domain_not_verified', nameId);
    }
    assert.equal(
      await db()('members')
        .where({ organization_id: org.id })
        .count({ n: '*' })
        .then((rows) => Number(rows[0]!.n)),
      1,
    );
  });

  it('only authenticates when SCIM provisions the Organization: unknown and suspended members are refused, profiles left alone', async () => {
    const org = await ssoOrganization({ idpInitiatedEnabled: true });
    await tx((t) => createScimToken(t, system, org.id));
    const unknown = await postToAcs(app, org.id, org.response({ nameId: org.email() })).expect(403);
    assert.equal(unknown.body.error.code, 'not_provisioned');

    const provisioned = await makeMember(org.id, { source: 'scim', profile: { userName: org.email(), name: { givenName: 'Ada' } } });
    await postToAcs(app, org.id, org.response({ nameId: provisioned.userName, attributes: { firstName: 'Changed' } })).expect(200);
    assert.equal((await db()('members').where({ id: provisioned.id }).first()).given_name, 'Ada');

    await tx((t) => suspendMember(t, { type: 'scim_token', id: 'idp' }, org.id, provisioned.id));
    assert.equal((await postToAcs(app, org.id, org.response({ nameId: provisioned.userName })).expect(403)).body.error.code, 'member_suspended');
  });

  it('takes a seat of each configured product at the first SSO sign-in when one is free, and says so when none is', async () => {
    const org = await ssoOrganization({ idpInitiatedEnabled: true });
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
    await tx((t) => setSeatLimit(t, system, org.id, 'code', 0));
    const { updateSsoSettings } = await import('../../src/org/sso-connections/sso-connections.service.js');
    await tx((t) => updateSsoSettings(t, system, org.id, { autoAssignSeats: true, autoSeatProducts: ['chat', 'code'] }));
    const email = org.email();
    const signed = await postToAcs(app, org.id, org.response({ nameId: email })).expect(200);
    const seats = await db()('seat_assignments').where({ member_id: signed.body.memberId }).pluck('product');
    assert.deepEqual(seats, ['chat']);
    const unavailable = await db()('audit_events').where({ organization_id: org.id, action: 'seat.unavailable', target_id: signed.body.memberId }).first();
    assert.equal(unavailable.data.product, 'code');
  });
});
