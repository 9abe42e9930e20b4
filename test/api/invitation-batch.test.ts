import assert from 'node:assert/strict';
import request from 'supertest';
import { setSeatLimit } from '../../src/org/seats/seats.service.js';
import { authApp, sessionFor } from '../support/auth.js';
import { countRows, makeMember, makeOrganization, system, tx, unique } from '../support/factories.js';
import { invitationMailedTo, mailsTo } from '../support/invitations.js';
import { ssoOrganization } from '../support/sso.js';

interface Outcome {
  email: string;
  result: string;
  message?: string;
  invitation?: { id: string; email: string; role: string; seats: string[]; status: string };
}

describe('POST /api/v1/invitations/batch: inviting address by address', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });

  const address = () => `${unique('invitee')}@example.test`;
  const as = (token: string, on = app) => ({
    get: (path: string) => request(on).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(on)
        .post(`/api/v1${path}`)
        .set('Authorization', `Bearer ${token}`)
        .send(body ?? {}),
  });
  async function adminOf(on = app) {
    const org = await makeOrganization();
    return { org, asAdmin: as(await sessionFor(on, org.id, org.admin.userName), on) };
  }
  const byEmail = (results: Outcome[]) => Object.fromEntries(results.map((outcome) => [outcome.email, outcome.result]));

  it('invites every acceptable address and says, for each of the others, why not', async () => {
    const { org, asAdmin } = await adminOf();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
    const enforcing = await ssoOrganization({ enforced: true });
    const [ada, bob, pending] = [address(), address(), address()];
    await asAdmin.post('/invitations', { emails: [pending], role: 'member' }).expect(201);
    const sso = enforcing.email();

    const answer = await asAdmin
      .post('/invitations/batch', {
        emails: [ada, ` ${bob} `, org.admin.userName, pending.toUpperCase(), sso, 'not-an-address', '', ada.toUpperCase()],
        role: 'billing',
        seats: ['chat'],
      })
      .expect(200);

    const results = answer.body.results as Outcome[];
    assert.deepEqual(byEmail(results), {
      [ada]: 'invited',
      [bob]: 'invited',
      [org.admin.userName]: 'already_member',
      [pending.toUpperCase()]: 'already_invited',
      [sso]: 'sso_required',
      'not-an-address': 'invalid_email',
      '': 'invalid_email',
    });
    assert.equal(results.length, 7, 'an address given twice is answered once');
    const invited = results.filter((outcome) => outcome.result === 'invited');
    for (const outcome of invited) {
      assert.equal(outcome.invitation!.email, outcome.email);
      assert.equal(outcome.invitation!.role, 'billing');
      assert.deepEqual(outcome.invitation!.seats, ['chat']);
      assert.equal(outcome.invitation!.status, 'pending');
      assert.equal(await mailsTo(outcome.email), 1);
      assert.equal(await countRows('audit_events', { target_id: outcome.invitation!.id, action: 'invitation.created' }), 1);
    }
    for (const outcome of results.filter((entry) => entry.result !== 'invited')) assert.ok(outcome.message!.length > 0, outcome.result);
    assert.match(results.find((outcome) => outcome.result === 'already_member')!.message!, new RegExp(org.admin.userName.replace(/[.]/g, '\\.')));
    assert.equal(await mailsTo(sso), 0);
    assert.equal(await mailsTo(pending), 1, 'the pending invitation is not sent again');
    assert.ok(!JSON.stringify(answer.body).includes('roster_invite_'), 'links are mailed, never answered');
    assert.ok((await invitationMailedTo(ada)).url.includes('/join/roster_invite_'));
    assert.equal(await countRows('invitations', { organization_id: org.id }), 3);
  });

  it('answers 200 with every address refused, inviting nobody', async () => {
    const { org, asAdmin } = await adminOf();
    const answer = await asAdmin
      .post('/invitations/batch', { emails: [org.admin.userName, 'nobody', 'x'.repeat(400) + '@example.test'], role: 'member' })
      .expect(200);
    assert.deepEqual(
      (answer.body.results as Outcome[]).map((outcome) => outcome.result),
      ['already_member', 'invalid_email', 'invalid_email'],
    );
    assert.equal(await countRows('invitations', { organization_id: org.id }), 0);
  });

  it('refuses the whole request for what concerns every address: role, seats, count, unknown fields', async () => {
    const { org, asAdmin } = await adminOf();
    const cases: Array<[object, string]> = [
      [{ emails: [], role: 'member' }, 'invalid_request'],
      [{ emails: Array.from({ length: 101 }, address), role: 'member' }, 'invalid_request'],
      [{ emails: [address()], role: 'owner' }, 'invalid_request'],
      [{ emails: [address()], role: 'member', surprise: true }, 'invalid_request'],
      [{ emails: [address()], role: 'member', seats: ['nope'] }, 'unknown_product'],
    ];
    for (const [body, code] of cases)
      assert.equal((await asAdmin.post('/invitations/batch', body).expect(400)).body.error.code, code, JSON.stringify(body).slice(0, 60));
    assert.equal(await countRows('invitations', { organization_id: org.id }), 0);
  });

  it('makes one invitation when two requests invite the same address at the same time', async () => {
    const { org, asAdmin } = await adminOf();
    const email = address();

    const answers = await Promise.all([0, 1].map(() => asAdmin.post('/invitations/batch', { emails: [email], role: 'member' })));

    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200],
    );
    assert.deepEqual(answers.map((answer) => (answer.body.results as Outcome[])[0]!.result).sort(), ['already_invited', 'invited']);
    assert.equal(await countRows('invitations', { organization_id: org.id }), 1);
    assert.equal(await mailsTo(email), 1);
  });

  it('is for Admins only, and counts against the same hourly limit as POST /invitations', async () => {
    const limited = authApp({ invitationRateLimit: 2 });
    const { org, asAdmin } = await adminOf(limited);
    for (const role of ['billing', 'member'] as const) {
      const other = as(await sessionFor(limited, org.id, (await makeMember(org.id, { role })).userName), limited);
      assert.equal((await other.post('/invitations/batch', { emails: [address()], role: 'member' }).expect(403)).body.error.code, 'forbidden_role');
    }
    await asAdmin.post('/invitations', { emails: [address()], role: 'member' }).expect(201);
    await asAdmin.post('/invitations/batch', { emails: [address()], role: 'member' }).expect(200);
    const refused = await asAdmin.post('/invitations/batch', { emails: [address()], role: 'member' }).expect(429);
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    assert.equal(await countRows('invitations', { organization_id: org.id }), 2);
  });
});
