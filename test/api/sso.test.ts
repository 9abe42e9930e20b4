import assert from 'node:assert/strict';
import request from 'supertest';
import { updateSsoSettings } from '../../src/org/sso-connections/sso-connections.service.js';
import { authApp, followLink, linkMailedTo, sessionFor } from '../support/auth.js';
import { makeMember, makeOrganization, system, tx, unique } from '../support/factories.js';
import { certBody, createTestIdp } from '../support/saml-idp.js';
import { publicUrl } from '../support/scim.js';
import { postToAcs, ssoOrganization } from '../support/sso.js';

describe('/api/v1/sso and SSO enforcement', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });

  it('lets an Admin connect the IdP from its metadata, read the values to paste into it, set the switches and disconnect', async () => {
    const org = await makeOrganization();
    const token = await sessionFor(app, org.id, org.admin.userName);
    const api = (method: 'get' | 'put' | 'patch' | 'delete', path = '') => request(app)[method](`/api/v1/sso${path}`).set('Authorization', `Bearer ${token}`);
    const empty = await api('get').expect(200);
    assert.equal(empty.body.connection, null);
    assert.deepEqual(empty.body.serviceProvider, {
      entityId: `${publicUrl}/sso/${org.id}/metadata`,
      acsUrl: `${publicUrl}/sso/${org.id}/acs`,
      loginUrl: `${publicUrl}/sso/${org.id}/login`,
      metadataUrl: `${publicUrl}/sso/${org.id}/metadata`,
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    });

    const idp = await createTestIdp();
    const created = await api('put').send({ metadataXml: idp.metadataXml() }).expect(201);
    assert.equal(created.body.connection.idpEntityId, idp.entityId);
    assert.equal(created.body.connection.certificates, 1);
    assert.equal(created.body.connection.jitEnabled, false);

    const switched = await api('patch', '/settings')
      .send({ jitEnabled: true, enforced: true, autoAssignSeats: true, autoSeatProducts: ['chat'] })
      .expect(200);
    assert.equal(switched.body.connection.enforced, true);
    assert.deepEqual(switched.body.connection.autoSeatProducts, ['chat']);

    const rotated = await createTestIdp({ entityId: idp.entityId });
    const replaced = await api('put')
      .send({ idpEntityId: idp.entityId, ssoUrl: idp.ssoUrl, certificates: [idp.cert, certBody(rotated.cert)] })
      .expect(200);
    assert.equal(replaced.body.connection.certificates, 2);
    assert.equal(replaced.body.connection.enforced, true, 'replacing the IdP keeps the switches');

    await api('delete').expect(204);
    assert.equal((await api('get').expect(200)).body.connection, null);
  });

  it('refuses unsafe metadata, bad certificates and fields, and non-Admins, changing nothing', async () => {
    const org = await makeOrganization();
    const token = await sessionFor(app, org.id, org.admin.userName);
    const put = (body: object) => request(app).put('/api/v1/sso').set('Authorization', `Bearer ${token}`).send(body);
    const idp = await createTestIdp();
    const cases: Array<[object, string]> = [
      [{ metadataXml: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${idp.metadataXml()}` }, 'metadata_doctype'],
      [{ metadataXml: '<not-metadata/>' }, 'metadata_no_idp'],
      [{ idpEntityId: idp.entityId, ssoUrl: idp.ssoUrl, certificates: ['not a certificate'] }, 'invalid_certificate'],
      [{ idpEntityId: idp.entityId, ssoUrl: 'http://idp.test/sso', certificates: [idp.cert] }, 'invalid_sso_url'],
      [{ idpEntityId: idp.entityId, ssoUrl: idp.ssoUrl, certificates: [idp.cert], surprise: 1 }, 'invalid_request'],
    ];
    for (const [body, code] of cases) assert.equal((await put(body).expect(400)).body.error.code, code, code);
    const member = await makeMember(org.id);
    const memberToken = await sessionFor(app, org.id, member.userName);
    await request(app).put('/api/v1/sso').set('Authorization', `Bearer ${memberToken}`).send({ metadataXml: idp.metadataXml() }).expect(403);
    assert.equal((await request(app).get('/api/v1/sso').set('Authorization', `Bearer ${token}`).expect(200)).body.connection, null);
  });

  it('shows the last failed sign-in and its reason', async () => {
    const org = await ssoOrganization();
    await postToAcs(app, org.id, org.response({})).expect(401);
    const token = await sessionFor(app, org.id, org.admin.userName);
    const status = (await request(app).get('/api/v1/sso').set('Authorization', `Bearer ${token}`).expect(200)).body.status;
    assert.ok(status.lastFailureAt);
    assert.match(status.lastFailureReason, /idp_initiated_disabled/);
  });

  it('refuses email sign-in on the verified domains of an Organization that enforces SSO, pointing to its login', async () => {
    const org = await ssoOrganization();
    const email = org.email();
    await request(app).post('/auth/email').send({ email }).expect(202);
    const earlier = await linkMailedTo(email);
    await tx((t) => updateSsoSettings(t, system, org.id, { enforced: true }));

    const refused = await request(app).post('/auth/email').send({ email: org.email() }).expect(403);
    assert.equal(refused.body.error.code, 'sso_required');
    assert.equal(refused.body.error.details.loginUrl, `${publicUrl}/sso/${org.id}/login`);
    assert.equal((await followLink(app, earlier.token).expect(403)).body.error.code, 'sso_required', 'a link sent before enforcement is refused too');
    await request(app)
      .post('/auth/email')
      .send({ email: `${unique('other')}@elsewhere.test` })
      .expect(202);
  });
});
