import assert from 'node:assert/strict';
import request from 'supertest';
import { apiClient, authApp, origin, sessionFor } from '../support/auth.js';
import { makeMember, makeOrganization } from '../support/factories.js';

describe('/api/v1/sessions', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });

  it('lets every member see where they are signed in and end any of those sessions, only their own', async () => {
    const org = await makeOrganization();
    for (const role of ['member', 'billing', 'admin'] as const) {
      const person = await makeMember(org.id, { role });
      const laptop = await sessionFor(app, org.id, person.userName);
      const phone = await sessionFor(app, org.id, person.userName);
      const listed = await apiClient(app, laptop).get('/sessions').expect(200);
      assert.equal(listed.body.sessions.length, 2, role);
      const current = listed.body.sessions.find((session: { current: boolean }) => session.current);
      const other = listed.body.sessions.find((session: { current: boolean }) => !session.current);
      assert.ok(current && other, role);

      await apiClient(app, laptop).delete(`/sessions/${other.id}`).expect(204);
      assert.equal((await request(app).get('/auth/session').set('Authorization', `Bearer ${phone}`).expect(401)).body.error.code, 'session_ended');
      await apiClient(app, laptop).get('/sessions').expect(200);
    }
    // Another person's session is not found, and stays alive.
    const admin = await sessionFor(app, org.id, org.admin.userName);
    const adminSession = (await apiClient(app, admin).get('/sessions').expect(200)).body.sessions[0].id as string;
    const someone = await makeMember(org.id);
    const theirs = await sessionFor(app, org.id, someone.userName);
    await apiClient(app, theirs).delete(`/sessions/${adminSession}`).expect(404);
    await apiClient(app, theirs).delete('/sessions/not-an-id').expect(404);
    await apiClient(app, admin).get('/sessions').expect(200);
  });
});

describe('/api/v1 with the session cookie', () => {
  it('refuses a cookie request that changes something unless it comes from Roster’s own origin', async () => {
    const app = authApp();
    const org = await makeOrganization();
    const token = await sessionFor(app, org.id, org.admin.userName);
    const cookie = `roster_session=${token}`;
    await request(app).get('/api/v1/organization').set('Cookie', cookie).expect(200);
    const forged = await request(app)
      .patch('/api/v1/organization')
      .set('Cookie', cookie)
      .set('Origin', 'https://evil.example')
      .send({ name: 'Pwned' })
      .expect(403);
    assert.equal(forged.body.error.code, 'cross_site_request');
    await request(app).patch('/api/v1/organization').set('Cookie', cookie).send({ name: 'Pwned' }).expect(403);
    assert.notEqual((await request(app).get('/api/v1/organization').set('Cookie', cookie).expect(200)).body.name, 'Pwned');
    await request(app).patch('/api/v1/organization').set('Cookie', cookie).set('Origin', origin).send({ name: 'Renamed' }).expect(200);
  });
});
