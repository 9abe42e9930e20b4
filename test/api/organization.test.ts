import assert from 'node:assert/strict';
import request from 'supertest';
import { createScimToken } from '../../src/org/credentials/credentials.service.js';
import { apiClient, authApp, sessionFor } from '../support/auth.js';
import { countRows, makeMember, makeOrganization, system, tx } from '../support/factories.js';

describe('/api/v1/organization', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp({ scimTokenCacheMs: 60_000 });
  });

  const as = (token: string) => apiClient(app, token);

  it('lets every member read their own Organization, and only an Admin rename it', async () => {
    const org = await makeOrganization('Acme');
    const other = await makeOrganization('Globex');
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const billing = as(await sessionFor(app, org.id, (await makeMember(org.id, { role: 'billing' })).userName));
    const member = as(await sessionFor(app, org.id, (await makeMember(org.id)).userName));

    for (const caller of [admin, billing, member]) {
      const read = await caller.get('/organization').expect(200);
      assert.deepEqual({ id: read.body.id, name: read.body.name }, { id: org.id, name: 'Acme' });
      assert.equal(read.body.createdAt, org.organization.createdAt.toISOString());
    }
    assert.equal(
      (
        await as(await sessionFor(app, other.id, other.admin.userName))
          .get('/organization')
          .expect(200)
      ).body.name,
      'Globex',
    );

    for (const caller of [billing, member]) {
      assert.equal((await caller.patch('/organization', { name: 'Mine now' }).expect(403)).body.error.code, 'forbidden_role');
      assert.equal((await caller.delete('/organization', { confirmName: 'Acme' }).expect(403)).body.error.code, 'forbidden_role');
    }
    const renamed = await admin.patch('/organization', { name: '  Acme Corp  ' }).expect(200);
    assert.equal(renamed.body.name, 'Acme Corp');
    assert.equal((await member.get('/organization').expect(200)).body.name, 'Acme Corp');
    assert.equal(await countRows('audit_events', { organization_id: org.id, action: 'organization.renamed', actor_id: org.admin.id }), 1);
    assert.equal(
      (
        await as(await sessionFor(app, other.id, other.admin.userName))
          .get('/organization')
          .expect(200)
      ).body.name,
      'Globex',
    );
  });

  it('refuses bad names and changes nothing', async () => {
    const org = await makeOrganization('Initech');
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    for (const [body, code] of [
      [{}, 'invalid_request'],
      [{ name: null }, 'invalid_request'],
      [{ name: 'New', id: org.id }, 'invalid_request'],
      [{ name: 'x'.repeat(201) }, 'invalid_request'],
      [{ name: '   ' }, 'invalid_value'],
    ] as const) {
      assert.equal((await admin.patch('/organization', body).expect(400)).body.error.code, code, JSON.stringify(body));
    }
    assert.equal((await admin.get('/organization').expect(200)).body.name, 'Initech');
    assert.equal(await countRows('audit_events', { organization_id: org.id, action: 'organization.renamed' }), 0);
  });

  it('deletes only with the current name as confirmation, exactly', async () => {
    const org = await makeOrganization('Acme Corp');
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    for (const confirmName of ['acme corp', 'Acme Corp ', ' Acme Corp', 'Acme', '']) {
      assert.equal((await admin.delete('/organization', { confirmName }).expect(400)).body.error.code, 'confirmation_mismatch', JSON.stringify(confirmName));
    }
    for (const body of [{}, { name: 'Acme Corp' }, { confirmName: 'Acme Corp', force: true }]) {
      assert.equal((await admin.delete('/organization', body).expect(400)).body.error.code, 'invalid_request', JSON.stringify(body));
    }
    await admin.get('/organization').expect(200);
    assert.equal(await countRows('organizations', { id: org.id }), 1);
  });

  it('deletes the Organization for good: every session, API key and SCIM token of it is dead on the next request, and other Organizations carry on', async () => {
    const [org, neighbour] = [await makeOrganization('Doomed'), await makeOrganization('Neighbour')];
    const member = await makeMember(org.id);
    const adminToken = await sessionFor(app, org.id, org.admin.userName);
    const memberToken = await sessionFor(app, org.id, member.userName);
    const neighbourToken = await sessionFor(app, neighbour.id, neighbour.admin.userName);
    const key = (await as(memberToken).post('/api-keys', { workspaceId: org.defaultWorkspace.id, name: 'k' }).expect(201)).body.key as string;
    const { token: scimToken } = await tx((t) => createScimToken(t, system, org.id, 'IdP'));
    await request(app).get('/scim/v2/Users?count=1').set('Authorization', `Bearer ${scimToken}`).expect(200);
    await request(app).get('/api/v1/whoami').set('Authorization', `Bearer ${key}`).expect(200);

    await as(adminToken).delete('/organization', { confirmName: 'Doomed' }).expect(204);

    for (const token of [adminToken, memberToken]) {
      assert.equal((await as(token).get('/organization').expect(401)).body.error.code, 'session_ended');
      await as(token).get('/whoami').expect(401);
    }
    await request(app).get('/api/v1/whoami').set('Authorization', `Bearer ${key}`).expect(401);
    await request(app).get('/scim/v2/Users?count=1').set('Authorization', `Bearer ${scimToken}`).expect(401);
    assert.equal(await countRows('organizations', { id: org.id }), 0);
    assert.equal(await countRows('sessions', { organization_id: org.id }), 0);
    assert.equal(await countRows('audit_events', { organization_id: org.id, action: 'organization.deleted', actor_id: org.admin.id }), 1);
    assert.equal((await as(neighbourToken).get('/organization').expect(200)).body.name, 'Neighbour');
  });
});
