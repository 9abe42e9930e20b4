import assert from 'node:assert/strict';
import request from 'supertest';
import { updateSsoSettings } from '../../src/org/sso-connections/sso-connections.service.js';
import { authApp, followLink, linkMailedTo, origin, sessionFor } from '../support/auth.js';
import { db } from '../support/database.js';
import { makeOrganization, system, tx, unique } from '../support/factories.js';
import { expireInvitation, invitationMailedTo } from '../support/invitations.js';
import { publicUrl } from '../support/scim.js';
import { ssoOrganization } from '../support/sso.js';

/** What the console's sign-in and join pages need from /auth: where to go back to, and what a link or an address is. */
describe('/auth for the console’s sign-in and join pages', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });
  const html = 'text/html,application/xhtml+xml';
  const address = () => `${unique('person')}@example.test`;

  async function mailedLink(email: string, next?: string) {
    await request(app)
      .post('/auth/email')
      .send({ email, ...(next ? { next } : {}) })
      .expect(202);
    return linkMailedTo(email);
  }

  describe('sign-in links', () => {
    it('bring a browser back to the `next` it asked for, through the mail and the confirmation page', async () => {
      const email = address();
      const { url, token } = await mailedLink(email, '/join/roster_invite_abc');
      assert.equal(new URL(url).searchParams.get('next'), '/join/roster_invite_abc');
      const link = new URL(url);
      const page = await request(app)
        .get(link.pathname + link.search)
        .set('Accept', html)
        .expect(200);
      assert.match(page.text, /<input type="hidden" name="next" value="\/join\/roster_invite_abc">/);
      const signedIn = await request(app)
        .post('/auth/email/verify')
        .type('form')
        .set('Origin', origin)
        .send({ token, next: '/join/roster_invite_abc' })
        .expect(303);
      assert.equal(signedIn.headers.location, '/join/roster_invite_abc');
    });

    it('refuse a `next` that is not one of Roster’s own paths', async () => {
      for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'join', '/a\nb']) {
        const response = await request(app).post('/auth/email').send({ email: address(), next }).expect(400);
        assert.equal(response.body.error.code, 'invalid_next', next);
      }
      const { token } = await mailedLink(address());
      const response = await request(app).post('/auth/email/verify').type('form').set('Origin', origin).send({ token, next: '//evil.example' }).expect(303);
      assert.equal(response.headers.location, '/');
    });

    it('send a browser with a used, expired or unknown link to the sign-in page saying which, keeping where it was going', async () => {
      const used = await mailedLink(address());
      await followLink(app, used.token).expect(200);
      const expiredEmail = address();
      const expired = await mailedLink(expiredEmail);
      await db()('sign_in_links')
        .where({ email: expiredEmail })
        .update({ expires_at: db().raw("now() - interval '1 minute'") });

      const follow = (token: string) =>
        request(app)
          .get(`/auth/email/verify?token=${encodeURIComponent(token)}&next=%2Fjoin%2Fabc`)
          .set('Accept', html)
          .expect(303);
      assert.equal((await follow(used.token)).headers.location, '/sign-in?error=link_used&next=%2Fjoin%2Fabc');
      assert.equal((await follow(expired.token)).headers.location, '/sign-in?error=link_expired&next=%2Fjoin%2Fabc');
      assert.equal((await follow('roster_link_forged')).headers.location, '/sign-in?error=link_invalid&next=%2Fjoin%2Fabc');
      const posted = await request(app).post('/auth/email/verify').type('form').set('Origin', origin).send({ token: used.token }).expect(303);
      assert.equal(posted.headers.location, '/sign-in?error=link_used');
      // API clients keep the JSON error.
      assert.equal((await followLink(app, used.token).expect(401)).body.error.code, 'link_invalid');
    });
  });

  describe('POST /auth/sso/discover', () => {
    it('answers the same shape for an address without SSO as for one with it, and names no person', async () => {
      const none = await request(app).post('/auth/sso/discover').send({ email: address() }).expect(200);
      assert.deepEqual(none.body, { sso: false, enforced: false, loginUrl: null });
      const org = await ssoOrganization();
      const known = await request(app).post('/auth/sso/discover').send({ email: org.email() }).expect(200);
      assert.deepEqual(known.body, { sso: true, enforced: false, loginUrl: `${publicUrl}/sso/${org.id}/login` });
      assert.deepEqual(Object.keys(known.body), Object.keys(none.body));
      await tx((t) => updateSsoSettings(t, system, org.id, { enforced: true }));
      assert.equal((await request(app).post('/auth/sso/discover').send({ email: org.email() }).expect(200)).body.enforced, true);
      assert.equal((await request(app).post('/auth/sso/discover').send({ email: 'not an address' }).expect(400)).body.error.code, 'invalid_email');
    });

    it('is limited per client like sign-in', async () => {
      const limited = authApp({ signInRateLimit: 2 });
      for (let attempt = 0; attempt < 2; attempt++) await request(limited).post('/auth/sso/discover').send({ email: address() }).expect(200);
      const refused = await request(limited).post('/auth/sso/discover').send({ email: address() }).expect(429);
      assert.ok(refused.headers['retry-after']);
    });
  });

  describe('POST /auth/invitations/preview', () => {
    async function invite(org: { id: string; admin: { userName: string } }, email: string, body: object = {}) {
      const session = await sessionFor(app, org.id, org.admin.userName);
      const invited = await request(app)
        .post('/api/v1/invitations')
        .set('Authorization', `Bearer ${session}`)
        .send({ emails: [email], role: 'billing', ...body })
        .expect(201);
      return { id: invited.body.invitations[0].id as string, token: (await invitationMailedTo(email)).token, session };
    }
    const preview = (token: string) => request(app).post('/auth/invitations/preview').send({ token });

    it('shows what a join link offers before anyone signs in, and whether it can still be accepted', async () => {
      const org = await makeOrganization();
      const email = address();
      const { id, token, session } = await invite(org, email);
      const pending = await preview(token).expect(200);
      assert.deepEqual(
        { ...pending.body, expiresAt: undefined },
        {
          organization: { id: org.id, name: org.organization.name },
          email,
          role: 'billing',
          seats: [],
          status: 'pending',
          expiresAt: undefined,
          ssoRequired: null,
        },
      );
      await expireInvitation(id);
      assert.equal((await preview(token).expect(200)).body.status, 'expired');
      await request(app).delete(`/api/v1/invitations/${id}`).set('Authorization', `Bearer ${session}`).expect(204);
      assert.equal((await preview(token).expect(200)).body.status, 'revoked');
      assert.equal((await preview('roster_invite_unknown').expect(404)).body.error.code, 'invitation_not_found');
    });

    it('says when an accepted link was used, and when the invited address must sign in with SSO', async () => {
      const org = await makeOrganization();
      const email = address();
      const { token } = await invite(org, email);
      const joined = await mailedLink(email);
      const session = (await followLink(app, joined.token).expect(200)).body.token as string;
      await request(app).post('/auth/invitations/accept').set('Authorization', `Bearer ${session}`).send({ token }).expect(200);
      assert.equal((await preview(token).expect(200)).body.status, 'accepted');

      const sso = await ssoOrganization();
      const invitee = sso.email();
      const invited = await invite(sso, invitee);
      await tx((t) => updateSsoSettings(t, system, sso.id, { enforced: true }));
      const body = (await preview(invited.token).expect(200)).body;
      assert.deepEqual(body.ssoRequired, { domain: sso.domain, loginUrl: `${publicUrl}/sso/${sso.id}/login` });
    });
  });
});
