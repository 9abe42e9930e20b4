import assert from 'node:assert/strict';
import request from 'supertest';
import { listSeatPools, setSeatLimit } from '../../src/org/seats/seats.service.js';
import { authApp, followLink, linkMailedTo, origin, sessionFor } from '../support/auth.js';
import { countRows, makeMember, makeOrganization, system, tx, unique } from '../support/factories.js';
import { expireInvitation, invitationMailedTo, mailsTo } from '../support/invitations.js';
import { publicUrl } from '../support/scim.js';
import { ssoOrganization } from '../support/sso.js';

describe('/api/v1/invitations and /auth/invitations/accept', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });

  const as = (token: string) => ({
    get: (path: string) => request(app).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app)
        .post(`/api/v1${path}`)
        .set('Authorization', `Bearer ${token}`)
        .send(body ?? {}),
    delete: (path: string) => request(app).delete(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
  });
  const address = () => `${unique('invitee')}@example.test`;

  /** An Account-only session for `email`, as someone with no membership gets by signing in with a mailed link. */
  async function accountSession(email: string): Promise<string> {
    await request(app).post('/auth/email').send({ email }).expect(202);
    return (await followLink(app, (await linkMailedTo(email)).token).expect(200)).body.token as string;
  }

  const accept = (session: string | undefined, token: string) => {
    const test = request(app).post('/auth/invitations/accept').send({ token });
    return session ? test.set('Authorization', `Bearer ${session}`) : test;
  };

  async function adminOf() {
    const org = await makeOrganization();
    return { org, asAdmin: as(await sessionFor(app, org.id, org.admin.userName)) };
  }

  it('invites by mail; the invitee signs in, accepts, and carries on in the Organization with the invited role and seats', async () => {
    const { org, asAdmin } = await adminOf();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 2));
    await tx((t) => setSeatLimit(t, system, org.id, 'code', 0));
    const [ada, bob] = [address(), address()];

    const invited = await asAdmin.post('/invitations', { emails: [ada, bob], role: 'billing', seats: ['chat', 'code'] }).expect(201);
    assert.deepEqual(
      invited.body.invitations.map((entry: { email: string }) => entry.email),
      [ada, bob],
    );
    assert.equal(invited.body.invitations[0].status, 'pending');
    assert.ok(!JSON.stringify(invited.body).includes('roster_invite_'), 'the link is mailed, never answered');
    const listed = await asAdmin.get('/invitations').expect(200);
    assert.deepEqual(listed.body.invitations.map((entry: { email: string }) => entry.email).sort(), [ada, bob].sort());
    assert.equal(listed.body.nextCursor, null);

    const mail = await invitationMailedTo(ada);
    assert.ok(mail.url.startsWith(`${publicUrl}/join/roster_invite_`));
    const session = await accountSession(ada);
    const joined = await accept(session, mail.token).expect(200);
    assert.equal(joined.body.organizationId, org.id);
    assert.equal(joined.body.role, 'billing');
    assert.deepEqual(joined.body.seats, ['chat']);
    assert.deepEqual(joined.body.seatsUnavailable, ['code']);

    const asAda = as(joined.body.token);
    const me = await asAda.get('/members/me').expect(200);
    assert.equal(me.body.id, joined.body.memberId);
    assert.equal(me.body.role, 'billing');
    assert.deepEqual(me.body.seats, ['chat']);
    await asAda.get('/members').expect(200);
    assert.deepEqual(
      (await asAdmin.get('/invitations').expect(200)).body.invitations.map((entry: { email: string }) => entry.email),
      [bob],
    );
    assert.equal((await accept(session, mail.token).expect(409)).body.error.code, 'invitation_used');
  });

  it('answers a cookie session with the new session’s cookie', async () => {
    const { asAdmin } = await adminOf();
    const email = address();
    await asAdmin.post('/invitations', { emails: [email], role: 'member' }).expect(201);
    const session = await accountSession(email);
    const joined = await request(app)
      .post('/auth/invitations/accept')
      .set('Cookie', `roster_session=${session}`)
      .set('Origin', origin)
      .send({ token: (await invitationMailedTo(email)).token })
      .expect(200);
    assert.match(String(joined.headers['set-cookie']), new RegExp(`roster_session=${joined.body.token.replace(/[.]/g, '\\.')}`));
  });

  it('refuses to accept without a session, with another Account, or with a bad body', async () => {
    const { org, asAdmin } = await adminOf();
    const email = address();
    await asAdmin.post('/invitations', { emails: [email], role: 'member' }).expect(201);
    const { token } = await invitationMailedTo(email);

    assert.equal((await accept(undefined, token).expect(401)).body.error.code, 'not_signed_in');
    const mallory = await accountSession(address());
    assert.equal((await accept(mallory, token).expect(403)).body.error.code, 'invitation_email_mismatch');
    // A member of another Organization, signed in there, is refused the same way.
    assert.equal((await accept(await sessionFor(app, org.id, org.admin.userName), token).expect(403)).body.error.code, 'invitation_email_mismatch');
    const own = await accountSession(email);
    for (const body of [{}, { token: '' }, { token, extra: 1 }]) {
      assert.equal(
        (await request(app).post('/auth/invitations/accept').set('Authorization', `Bearer ${own}`).send(body).expect(400)).body.error.code,
        'invalid_request',
      );
    }
    assert.equal((await accept(own, 'roster_invite_unknown').expect(404)).body.error.code, 'invitation_not_found');
    assert.equal(await countRows('members', { organization_id: org.id }), 1);
    await accept(own, token).expect(200);
  });

  it('refuses an expired invitation until it is resent; resending kills the old link', async () => {
    const { asAdmin } = await adminOf();
    const email = address();
    const [invitation] = (await asAdmin.post('/invitations', { emails: [email], role: 'member' }).expect(201)).body.invitations;
    const old = await invitationMailedTo(email);
    await expireInvitation(invitation.id);
    assert.equal((await asAdmin.get('/invitations').expect(200)).body.invitations[0].status, 'expired');
    const session = await accountSession(email);
    assert.equal((await accept(session, old.token).expect(409)).body.error.code, 'invitation_expired');

    const resent = await asAdmin.post(`/invitations/${invitation.id}/resend`).expect(200);
    assert.equal(resent.body.status, 'pending');
    assert.ok(new Date(resent.body.expiresAt).getTime() > Date.now() + 6.9 * 24 * 3600 * 1000);
    assert.equal(await mailsTo(email), 2);
    const renewed = await invitationMailedTo(email);
    assert.notEqual(renewed.token, old.token);
    assert.equal((await accept(session, old.token).expect(404)).body.error.code, 'invitation_not_found');
    await accept(session, renewed.token).expect(200);
    assert.equal((await asAdmin.post(`/invitations/${invitation.id}/resend`).expect(409)).body.error.code, 'invitation_not_pending');
  });

  it('revokes: the link stops working and the invitation leaves the list', async () => {
    const { asAdmin } = await adminOf();
    const email = address();
    const [invitation] = (await asAdmin.post('/invitations', { emails: [email], role: 'member' }).expect(201)).body.invitations;
    await asAdmin.delete(`/invitations/${invitation.id}`).expect(204);
    assert.deepEqual((await asAdmin.get('/invitations').expect(200)).body.invitations, []);
    assert.equal((await accept(await accountSession(email), (await invitationMailedTo(email)).token).expect(409)).body.error.code, 'invitation_revoked');
    assert.equal((await asAdmin.delete(`/invitations/${invitation.id}`).expect(409)).body.error.code, 'invitation_not_pending');
  });

  it('lets only Admins see and manage invitations, and only their own Organization’s', async () => {
    const { org, asAdmin } = await adminOf();
    const [invitation] = (await asAdmin.post('/invitations', { emails: [address()], role: 'member' }).expect(201)).body.invitations;
    for (const role of ['billing', 'member'] as const) {
      const other = as(await sessionFor(app, org.id, (await makeMember(org.id, { role })).userName));
      assert.equal((await other.get('/invitations').expect(403)).body.error.code, 'forbidden_role');
      await other.post('/invitations', { emails: [address()], role: 'member' }).expect(403);
      await other.post(`/invitations/${invitation.id}/resend`).expect(403);
      await other.delete(`/invitations/${invitation.id}`).expect(403);
    }
    const stranger = await adminOf();
    assert.deepEqual((await stranger.asAdmin.get('/invitations').expect(200)).body.invitations, []);
    assert.equal((await stranger.asAdmin.post(`/invitations/${invitation.id}/resend`).expect(404)).body.error.code, 'invitation_not_found');
    await stranger.asAdmin.delete(`/invitations/${invitation.id}`).expect(404);
    await asAdmin.delete(`/invitations/${invitation.id}`).expect(204);
  });

  it('answers bad input with a clear code and invites nobody', async () => {
    const { org, asAdmin } = await adminOf();
    const cases: Array<[object, string]> = [
      [{}, 'invalid_request'],
      [{ emails: [], role: 'member' }, 'invalid_request'],
      [{ emails: Array.from({ length: 101 }, address), role: 'member' }, 'invalid_request'],
      [{ emails: [address()], role: 'owner' }, 'invalid_request'],
      [{ emails: [address()], role: 'member', surprise: true }, 'invalid_request'],
      [{ emails: ['not-an-address'], role: 'member' }, 'invalid_email'],
      [{ emails: [address()], role: 'member', seats: ['nope'] }, 'unknown_product'],
    ];
    for (const [body, code] of cases)
      assert.equal((await asAdmin.post('/invitations', body).expect(400)).body.error.code, code, JSON.stringify(body).slice(0, 60));
    assert.equal((await asAdmin.get('/invitations?cursor=zzz').expect(400)).body.error.code, 'invalid_cursor');
    assert.equal(await countRows('invitations', { organization_id: org.id }), 0);
  });

  it('refuses to invite a member, or an address invited already', async () => {
    const { org, asAdmin } = await adminOf();
    const invited = address();
    await asAdmin.post('/invitations', { emails: [invited], role: 'member' }).expect(201);
    const member = await asAdmin.post('/invitations', { emails: [org.admin.userName], role: 'member' }).expect(409);
    assert.equal(member.body.error.code, 'already_member');
    const again = await asAdmin.post('/invitations', { emails: [address(), invited.toUpperCase()], role: 'admin' }).expect(409);
    assert.equal(again.body.error.code, 'already_invited');
    assert.equal(await countRows('invitations', { organization_id: org.id }), 1);
  });

  it('refuses an address whose domain is verified by an Organization that enforces SSO (403 sso_required)', async () => {
    const enforcing = await ssoOrganization({ enforced: true });
    const { org, asAdmin } = await adminOf();
    const refused = await asAdmin.post('/invitations', { emails: [enforcing.email()], role: 'member' }).expect(403);
    assert.equal(refused.body.error.code, 'sso_required');
    assert.equal(refused.body.error.details.organizationId, enforcing.id);
    const own = as(await sessionFor(app, enforcing.id, enforcing.admin.userName));
    await own.post('/invitations', { emails: [enforcing.email()], role: 'member' }).expect(403);
    assert.equal(await countRows('invitations', { organization_id: org.id }), 0);
  });

  it('lets a removed member be invited again; they rejoin with the new role and seats, nothing carried over', async () => {
    const { org, asAdmin } = await adminOf();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
    await tx((t) => setSeatLimit(t, system, org.id, 'code', 5));
    const email = address();
    const session = await accountSession(email);
    await asAdmin.post('/invitations', { emails: [email], role: 'admin', seats: ['chat'] }).expect(201);
    const first = (await accept(session, (await invitationMailedTo(email)).token).expect(200)).body;
    await asAdmin.post('/invitations', { emails: [email], role: 'member' }).expect(409);
    await asAdmin.delete(`/members/${first.memberId}`).expect(204);

    await asAdmin.post('/invitations', { emails: [email], role: 'member', seats: ['code'] }).expect(201);
    const second = (await accept(session, (await invitationMailedTo(email)).token).expect(200)).body;

    assert.notEqual(second.memberId, first.memberId);
    const me = await as(second.token).get('/members/me').expect(200);
    assert.equal(me.body.role, 'member');
    assert.deepEqual(me.body.seats, ['code']);
    assert.deepEqual(me.body.groups, []);
    assert.deepEqual(
      (await tx((t) => listSeatPools(t, org.id))).map((pool) => [pool.product, pool.assigned]),
      [
        ['chat', 0],
        ['code', 1],
      ],
    );
  });

  it('makes one member when one invitation is accepted twice at the same time', async () => {
    const { org, asAdmin } = await adminOf();
    const email = address();
    await asAdmin.post('/invitations', { emails: [email], role: 'member' }).expect(201);
    const { token } = await invitationMailedTo(email);
    const session = await accountSession(email);

    const answers = await Promise.all([accept(session, token), accept(session, token)]);

    assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 409]);
    assert.equal(answers.find((answer) => answer.status === 409)!.body.error.code, 'invitation_used');
    assert.equal(await countRows('members', { organization_id: org.id }), 2);
  });
});
