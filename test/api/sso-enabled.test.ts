import assert from 'node:assert/strict';
import request from 'supertest';
import { apiClient, authApp, sessionFor } from '../support/auth.js';
import { db } from '../support/database.js';
import { countRows, makeOrganization } from '../support/factories.js';
import { invitationMailedTo } from '../support/invitations.js';
import { certBody, createTestIdp } from '../support/saml-idp.js';
import { publicUrl } from '../support/scim.js';
import { postToAcs, ssoOrganization, startLogin, type SsoOrganization } from '../support/sso.js';

/**
 * The "SSO enabled" switch: a connection is saved, checked at the IdP, then switched on; switched
 * off, it is kept but counts as none for signing in, and its enforcement takes no effect.
 */
describe('/api/v1/sso: the SSO enabled switch', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });

  const adminOf = async (org: { id: string; admin: { userName: string } }) => apiClient(app, await sessionFor(app, org.id, org.admin.userName));
  const storedEnabled = async (organizationId: string) =>
    ((await db()('sso_connections').where({ organization_id: organizationId }).first('enabled')) as { enabled: boolean }).enabled;
  const eventsOf = async (admin: ReturnType<typeof apiClient>, action: string) =>
    (await admin.get(`/audit-events?action=${action}`).expect(200)).body.events as Array<{
      data: Record<string, unknown>;
      target: { type: string; id: string };
    }>;
  const discover = async (email: string) => (await request(app).post('/auth/sso/discover').send({ email }).expect(200)).body;

  /** Switches through the Admin API, as the console does. */
  const switchSso = async (org: SsoOrganization, enabled: boolean) => (await (await adminOf(org)).patch('/sso/settings', { enabled }).expect(200)).body;

  it('starts a new connection switched off, and switches it on and off with PATCH /sso/settings, audited like the other switches', async () => {
    const org = await makeOrganization();
    const admin = await adminOf(org);
    const idp = await createTestIdp();
    const created = await admin.put('/sso', { metadataXml: idp.metadataXml() }).expect(201);
    assert.equal(created.body.connection.enabled, false);
    assert.equal((await admin.get('/sso').expect(200)).body.connection.enabled, false);
    assert.equal(await storedEnabled(org.id), false);
    assert.equal((await eventsOf(admin, 'sso.connection_saved'))[0]!.data.enabled, false);

    const on = await admin.patch('/sso/settings', { enabled: true }).expect(200);
    assert.equal(on.body.connection.enabled, true);
    assert.equal(on.body.connection.version, created.body.connection.version + 1);
    assert.equal(await storedEnabled(org.id), true);
    const [switched, ...more] = await eventsOf(admin, 'sso.settings_changed');
    assert.equal(more.length, 0);
    assert.deepEqual(switched!.data, { enabled: { from: false, to: true } });
    assert.equal(switched!.target.type, 'sso_connection');

    const rotated = await createTestIdp({ entityId: idp.entityId });
    const replaced = await admin.put('/sso', { idpEntityId: idp.entityId, ssoUrl: idp.ssoUrl, certificates: [certBody(rotated.cert)] }).expect(200);
    assert.equal(replaced.body.connection.enabled, true, 'replacing the IdP keeps the switch');

    const off = await admin.patch('/sso/settings', { enabled: false }).expect(200);
    assert.equal(off.body.connection.enabled, false);
    assert.equal(off.body.connection.idpEntityId, idp.entityId, 'switched off, the configuration stays');
    assert.equal(off.body.connection.certificates, 1);
    assert.equal(await storedEnabled(org.id), false);
    assert.deepEqual((await eventsOf(admin, 'sso.settings_changed'))[0]!.data, { enabled: { from: true, to: false } });

    const refused = await admin.patch('/sso/settings', { enabled: 'yes' }).expect(400);
    assert.equal(refused.body.error.code, 'invalid_request');
    assert.equal(await storedEnabled(org.id), false);
    assert.equal((await eventsOf(admin, 'sso.settings_changed')).length, 2);
  });

  it('switches a connection on with its first save when the PUT body asks, and a later save switches it like PATCH', async () => {
    const org = await makeOrganization();
    const admin = await adminOf(org);
    const idp = await createTestIdp();
    const created = await admin.put('/sso', { metadataXml: idp.metadataXml(), enabled: true }).expect(201);
    assert.equal(created.body.connection.enabled, true);
    assert.equal(created.body.connection.version, 1);
    assert.equal(await storedEnabled(org.id), true);
    assert.equal((await eventsOf(admin, 'sso.connection_saved'))[0]!.data.enabled, true);
    assert.equal((await eventsOf(admin, 'sso.settings_changed')).length, 0);

    // The same IdP settings with the switch off: only the switch changes.
    const off = await admin.put('/sso', { metadataXml: idp.metadataXml(), enabled: false }).expect(200);
    assert.equal(off.body.connection.enabled, false);
    assert.equal((await eventsOf(admin, 'sso.connection_saved')).length, 1);
    assert.deepEqual((await eventsOf(admin, 'sso.settings_changed'))[0]!.data, { enabled: { from: true, to: false } });
    assert.equal((await admin.put('/sso', { metadataXml: idp.metadataXml(), enabled: 1 }).expect(400)).body.error.code, 'invalid_request');
  });

  it('answers login and the ACS of a switched-off connection as if there were none, still serving its SP metadata', async () => {
    const org = await ssoOrganization({ enabled: false, idpInitiatedEnabled: true });
    const none = await makeOrganization();
    const withoutConnection = await request(app).get(`/sso/${none.id}/login`).expect(404);
    const login = await request(app).get(`/sso/${org.id}/login`).set('Accept', 'application/json').expect(404);
    assert.equal(login.body.error.code, withoutConnection.body.error.code);
    assert.equal(login.body.error.code, 'sso_connection_not_found');
    await request(app).get(`/sso/${org.id}/metadata`).expect(200);

    const email = org.email();
    const samlResponse = org.response({ nameId: email });
    const refused = await postToAcs(app, org.id, samlResponse).expect(404);
    assert.equal(refused.body.error.code, 'sso_connection_not_found');
    assert.equal(await countRows('members', { organization_id: org.id, user_name: email }), 0);
    const status = await db()('sso_connections').where({ organization_id: org.id }).first('last_success_at', 'last_failure_at');
    assert.deepEqual(status, { last_success_at: null, last_failure_at: null }, 'a refused sign-in is no outcome of the connection');

    await switchSso(org, true);
    const signed = await postToAcs(app, org.id, samlResponse).expect(200);
    assert.equal(signed.body.organizationId, org.id);
    assert.equal(await countRows('members', { organization_id: org.id, user_name: email }), 1);
    await startLogin(app, org);
  });

  it('refuses at the ACS a sign-in that started before SSO was switched off', async () => {
    const org = await ssoOrganization();
    const { requestId } = await startLogin(app, org);
    await switchSso(org, false);
    const email = org.email();
    assert.equal(
      (await postToAcs(app, org.id, org.response({ inResponseTo: requestId, nameId: email })).expect(404)).body.error.code,
      'sso_connection_not_found',
    );
    assert.equal(await countRows('members', { organization_id: org.id, user_name: email }), 0);
  });

  it('offers no SSO to the verified domains in discovery while switched off', async () => {
    const org = await ssoOrganization({ enabled: false, enforced: true });
    assert.deepEqual(await discover(org.email()), { sso: false, enforced: false, loginUrl: null });
    await switchSso(org, true);
    assert.deepEqual(await discover(org.email()), { sso: true, enforced: true, loginUrl: `${publicUrl}/sso/${org.id}/login` });
    await switchSso(org, false);
    assert.deepEqual(await discover(org.email()), { sso: false, enforced: false, loginUrl: null });
  });

  it('keeps enforcement as set while switched off, in effect only while switched on: email sign-in, invitations and their preview', async () => {
    const org = await ssoOrganization({ enabled: false, enforced: true });
    const admin = await adminOf(org);
    await request(app).post('/auth/email').send({ email: org.email() }).expect(202);
    const invited = org.email();
    await admin.post('/invitations', { emails: [invited], role: 'member' }).expect(201);
    const { token } = await invitationMailedTo(invited);
    assert.equal((await request(app).post('/auth/invitations/preview').send({ token }).expect(200)).body.ssoRequired, null);

    const on = await switchSso(org, true);
    assert.equal(on.connection.enforced, true);
    assert.equal((await request(app).post('/auth/email').send({ email: org.email() }).expect(403)).body.error.code, 'sso_required');
    assert.equal((await admin.post('/invitations', { emails: [org.email()], role: 'member' }).expect(403)).body.error.code, 'sso_required');
    assert.equal((await request(app).post('/auth/invitations/preview').send({ token }).expect(200)).body.ssoRequired.domain, org.domain);

    // The emergency switch: off again, email links work, and enforcement is still set for later.
    const off = await switchSso(org, false);
    assert.equal(off.connection.enforced, true);
    assert.equal(((await db()('sso_connections').where({ organization_id: org.id }).first('enforced')) as { enforced: boolean }).enforced, true);
    await request(app).post('/auth/email').send({ email: org.email() }).expect(202);
    await admin.post('/invitations', { emails: [org.email()], role: 'member' }).expect(201);
  });
});
