import assert from 'node:assert/strict';
import request from 'supertest';
import { changeRole, suspendMember } from '../../src/org/members/member-changes.service.js';
import { removeMember } from '../../src/org/members/members.service.js';
import { authApp, followLink, linkMailedTo, origin, sessionFor } from '../support/auth.js';
import { db } from '../support/database.js';
import { makeMember, makeOrganization, system, tx, unique } from '../support/factories.js';

describe('email sign-in and sessions', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });

  it('creates the Account on first use of a mailed link and starts a session usable as a bearer token', async () => {
    const email = `${unique('new')}@example.test`;
    const asked = await request(app).post('/auth/email').send({ email }).expect(202);
    assert.deepEqual(asked.body, { status: 'sent', expiresInSeconds: 900 });
    const { token } = await linkMailedTo(email);

    const signedIn = await followLink(app, token).expect(200);
    assert.ok(signedIn.body.token);
    assert.equal(signedIn.body.organizationId, null);
    const account = await db()('accounts').whereRaw('lower(email) = lower(?)', [email]).first();
    assert.ok(account.email_verified_at, 'following the link verified the email');
    const whoami = await request(app).get('/auth/session').set('Authorization', `Bearer ${signedIn.body.token}`).expect(200);
    assert.equal(whoami.body.account.email, email);
    assert.equal(whoami.body.account.id, account.id);
  });

  it('uses a link once, and not after 15 minutes', async () => {
    const email = `${unique('once')}@example.test`;
    await request(app).post('/auth/email').send({ email }).expect(202);
    const { token } = await linkMailedTo(email);
    await followLink(app, token).expect(200);
    const again = await followLink(app, token).expect(401);
    assert.equal(again.body.error.code, 'link_invalid');

    await request(app).post('/auth/email').send({ email }).expect(202);
    const late = await linkMailedTo(email);
    await db()('sign_in_links')
      .where('expires_at', '>', db().fn.now())
      .whereNull('used_at')
      .where({ email })
      .update({ expires_at: db().raw("now() - interval '1 second'") });
    assert.equal((await followLink(app, late.token).expect(401)).body.error.code, 'link_invalid');
  });

  it('gives five parallel uses of one link exactly one session', async () => {
    const email = `${unique('race')}@example.test`;
    await request(app).post('/auth/email').send({ email }).expect(202);
    const { token } = await linkMailedTo(email);
    const statuses = (await Promise.all(Array.from({ length: 5 }, () => followLink(app, token)))).map((response) => response.status).sort();
    assert.deepEqual(statuses, [200, 401, 401, 401, 401]);
  });

  it('refuses bad requests clearly and answers the same whether or not an Account exists', async () => {
    for (const body of [{}, { email: 'not-an-email' }, { email: 'a@b.test', extra: 1 }, { email: 'a@b.test', organizationId: 'x' }]) {
      const response = await request(app).post('/auth/email').send(body).expect(400);
      assert.ok(response.body.error.code);
    }
    const org = await makeOrganization();
    const known = await request(app).post('/auth/email').send({ email: org.admin.userName }).expect(202);
    const unknown = await request(app)
      .post('/auth/email')
      .send({ email: `${unique('nobody')}@example.test` })
      .expect(202);
    assert.deepEqual(known.body, unknown.body);
    await request(app).post('/auth/email').send({ email: 'a@b.test', organizationId: crypto.randomUUID() }).expect(404);
    assert.equal((await followLink(app, 'roster_link_forged').expect(401)).body.error.code, 'link_invalid');
  });

  it('signs a browser in by cookie only after a POST from its own page, so mail scanners cannot use the link up', async () => {
    const email = `${unique('browser')}@example.test`;
    await request(app).post('/auth/email').send({ email }).expect(202);
    const { token } = await linkMailedTo(email);
    const page = await request(app)
      .get(`/auth/email/verify?token=${encodeURIComponent(token)}`)
      .set('Accept', 'text/html')
      .expect(200);
    assert.match(page.text, /<form method="post" action="\/auth\/email\/verify">/);
    assert.equal(
      await db()('sign_in_links')
        .whereNotNull('used_at')
        .where({ email })
        .count({ n: '*' })
        .then((rows) => Number(rows[0]!.n)),
      0,
    );

    await request(app).post('/auth/email/verify').type('form').set('Origin', 'https://evil.example').send({ token }).expect(403);
    const posted = await request(app).post('/auth/email/verify').type('form').set('Origin', origin).send({ token }).expect(303);
    assert.equal(posted.headers.location, '/');
    const cookie = String(posted.headers['set-cookie']);
    assert.match(cookie, /^roster_session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure/);
    const session = cookie.split(';')[0]!;
    await request(app).get('/auth/session').set('Cookie', session).expect(200);

    // Unsafe methods with the cookie must come from Roster's own origin.
    assert.equal((await request(app).post('/auth/logout').set('Cookie', session).expect(403)).body.error.code, 'cross_site_request');
    await request(app).post('/auth/logout').set('Cookie', session).set('Origin', 'https://evil.example').expect(403);
    await request(app).post('/auth/logout').set('Cookie', session).set('Origin', origin).expect(204);
    assert.equal((await request(app).get('/auth/session').set('Cookie', session).expect(401)).body.error.code, 'session_ended');
  });

  it('lets an operator link in an existing member, whose session carries the Organization and current role', async () => {
    const org = await makeOrganization();
    const token = await sessionFor(app, org.id, org.admin.userName);
    const whoami = await request(app).get('/auth/session').set('Authorization', `Bearer ${token}`).expect(200);
    assert.equal(whoami.body.organizationId, org.id);
    assert.deepEqual(whoami.body.member, { id: org.admin.id, role: 'admin' });
  });

  it('signs a member in to the Organization named in the request, and refuses non-members', async () => {
    const org = await makeOrganization();
    await sessionFor(app, org.id, org.admin.userName);
    await request(app).post('/auth/email').send({ email: org.admin.userName, organizationId: org.id }).expect(202);
    const signed = await followLink(app, (await linkMailedTo(org.admin.userName)).token).expect(200);
    assert.equal(signed.body.organizationId, org.id);
    assert.equal(signed.body.memberId, org.admin.id);

    const stranger = `${unique('stranger')}@example.test`;
    await request(app).post('/auth/email').send({ email: stranger, organizationId: org.id }).expect(202);
    assert.equal((await followLink(app, (await linkMailedTo(stranger)).token).expect(403)).body.error.code, 'not_a_member');
  });

  it('ends sessions on the next request when the member is suspended or removed, and reads the role anew', async () => {
    const org = await makeOrganization();
    const suspended = await makeMember(org.id);
    const removed = await makeMember(org.id);
    const demoted = await makeMember(org.id, { role: 'admin' });
    const [suspendedToken, removedToken, demotedToken] = [
      await sessionFor(app, org.id, suspended.userName),
      await sessionFor(app, org.id, removed.userName),
      await sessionFor(app, org.id, demoted.userName),
    ];
    const whoami = (token: string) => request(app).get('/auth/session').set('Authorization', `Bearer ${token}`);
    await whoami(suspendedToken).expect(200);

    await tx((t) => suspendMember(t, system, org.id, suspended.id));
    await tx((t) => removeMember(t, system, org.id, removed.id));
    await tx((t) => changeRole(t, system, org.id, demoted.id, 'member'));

    assert.equal((await whoami(suspendedToken).expect(401)).body.error.code, 'session_ended');
    assert.equal((await whoami(removedToken).expect(401)).body.error.code, 'session_ended');
    assert.equal((await whoami(demotedToken).expect(200)).body.member.role, 'member');
  });

  it('refuses a suspended member at sign-in', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    await tx((t) => suspendMember(t, system, org.id, member.id));
    await request(app).post('/auth/email').send({ email: member.userName, organizationId: org.id }).expect(202);
    // A suspended member has no Account yet in this test: the operator path shows the refusal.
    const { createOperatorSignInLink } = await import('../../src/sso/sign-in.service.js');
    const link = await tx((t) => createOperatorSignInLink(t, { organizationId: org.id, email: member.userName, publicUrl: 'https://roster.example.test' }));
    const token = decodeURIComponent(new URL(link.url).searchParams.get('token')!);
    assert.equal((await followLink(app, token).expect(403)).body.error.code, 'member_suspended');
  });
});
