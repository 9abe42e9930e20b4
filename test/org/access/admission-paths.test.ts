import assert from 'node:assert/strict';
import request from 'supertest';
import { decideAdmission } from '../../../src/org/access/admission.js';
import { refusalOfRequest } from '../../../src/org/access/invitees.js';
import { AdmissionRefusal } from '../../../src/org/access/refusals.js';
import { accountForVerifiedEmail } from '../../../src/org/members/accounts.service.js';
import { setDomainAutoJoin } from '../../../src/org/domains/domains.service.js';
import { inviteEach } from '../../../src/org/invitations/invitation-batch.service.js';
import { acceptInvitation, getInvitation, inviteMembers } from '../../../src/org/invitations/invitations.service.js';
import { suspendMember } from '../../../src/org/members/member-changes.service.js';
import { setSeatLimit } from '../../../src/org/seats/seats.service.js';
import { findSsoConnection, updateSsoSettings } from '../../../src/org/sso-connections/sso-connections.service.js';
import { completeEmailSignIn } from '../../../src/sso/sign-in.service.js';
import { completeSsoSignIn } from '../../../src/sso/sso-sign-in.service.js';
import { authApp, followLink, linkMailedTo } from '../../support/auth.js';
import { db } from '../../support/database.js';
import { makeMember, makeOrganization, rejectionOf, system, tx, unique } from '../../support/factories.js';
import { invitationMailedTo } from '../../support/invitations.js';
import { newUser, publicUrl, scimClient } from '../../support/scim.js';
import { rosterSchema } from '../../../src/scim/schemas.js';
import { postToAcs, ssoOrganization } from '../../support/sso.js';

/**
 * Each way into an Organization asks `decideAdmission`: what it decides for an
 * identity is what that path does, and a refusal reaches the caller as the
 * decision's own `AdmissionRefusal`, with its code, message and details.
 */
describe('admission decides every way in', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });
  const links = { publicUrl };
  const sessionMs = 60_000;

  /** The same refusal: the decision's, not a look-alike written elsewhere. */
  function assertSameRefusal(actual: unknown, decided: AdmissionRefusal | undefined) {
    assert.ok(decided, 'admission refused');
    assert.ok(actual instanceof AdmissionRefusal, `an AdmissionRefusal, not ${String(actual)}`);
    assert.deepEqual(
      { kind: actual.kind, code: actual.code, message: actual.message, details: actual.details },
      { kind: decided.kind, code: decided.code, message: decided.message, details: decided.details },
    );
  }

  it('email sign-in with domain auto-join: joins as admission says, and is refused with its refusal', async () => {
    const org = await ssoOrganization();
    const domain = await db()('domains').where({ organization_id: org.id, domain: org.domain }).first();
    await tx((t) => setDomainAutoJoin(t, system, org.id, domain.id, true));
    const email = org.email();
    const account = await tx((t) => accountForVerifiedEmail(t, email));

    const joins = await tx((t) => decideAdmission(t, { kind: 'verified_email', organizationId: org.id, account }));
    assert.deepEqual(joins, { result: 'joins', organizationId: org.id, userName: email, role: 'member', source: 'domain', seats: [] });
    await request(app).post('/auth/email').send({ email }).expect(202);
    const signed = await followLink(app, (await linkMailedTo(email)).token).expect(200);
    const member = await db()('members').where({ id: signed.body.memberId }).first();
    assert.deepEqual([member.organization_id, member.user_name, member.role, member.source], [org.id, email, 'member', 'domain']);

    await tx((t) => suspendMember(t, system, org.id, member.id));
    const refused = await tx((t) => decideAdmission(t, { kind: 'verified_email', organizationId: org.id, account }));
    assert.equal(refused.result, 'refused');
    await request(app).post('/auth/email').send({ email }).expect(202);
    const { token } = await linkMailedTo(email);
    assertSameRefusal(await rejectionOf(tx((t) => completeEmailSignIn(t, token, sessionMs))), refused.result === 'refused' ? refused.refusal : undefined);
  });

  it('SSO sign-in with JIT and automatic seats: creates the member admission decided, or answers its refusal', async () => {
    const org = await ssoOrganization({ idpInitiatedEnabled: true, jitEnabled: false });
    const email = org.email();
    // The embedded database has a single connection: the SSO connection is read in a transaction of its own, before the decision's.
    const identity = async () => ({
      kind: 'sso' as const,
      connection: (await tx((t) => findSsoConnection(t, org.id)))!,
      email,
      memberIdOfNameId: undefined,
      hasSignedInWithSso: async () => false,
    });

    const judgeSso = async () => {
      const asked = await identity();
      return tx((t) => decideAdmission(t, asked));
    };
    const refused = await judgeSso();
    assert.ok(refused.result === 'refused');
    assert.equal(refused.refusal.code, 'not_a_member');
    const connection = (await tx((t) => findSsoConnection(t, org.id)))!;
    assertSameRefusal(await rejectionOf(tx((t) => completeSsoSignIn(t, connection, { nameId: email, email }, sessionMs))), refused.refusal);
    const answered = await postToAcs(app, org.id, org.response({ nameId: email })).expect(403);
    assert.deepEqual([answered.body.error.code, answered.body.error.message], [refused.refusal.code, refused.refusal.message]);

    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 3));
    await tx((t) => updateSsoSettings(t, system, org.id, { jitEnabled: true, autoAssignSeats: true, autoSeatProducts: ['chat'] }));
    const joins = await judgeSso();
    assert.deepEqual(joins, { result: 'joins', organizationId: org.id, userName: email, role: 'member', source: 'sso', managedBy: 'sso', seats: ['chat'] });
    const signed = await postToAcs(app, org.id, org.response({ nameId: email })).expect(200);
    const member = await db()('members').where({ id: signed.body.memberId }).first();
    assert.deepEqual([member.user_name, member.role, member.source, member.managed_by], [email, 'member', 'sso', 'sso']);
    assert.deepEqual(await db()('seat_assignments').where({ member_id: member.id }).pluck('product'), ['chat']);
  });

  it('sending invitations: both ways of inviting refuse with admission’s reasons', async () => {
    const enforcing = await ssoOrganization({ enforced: true });
    const onSsoDomain = [enforcing.email(), enforcing.email()];
    const decidedSso = await tx((t) => decideAdmission(t, { kind: 'invitees', organizationId: enforcing.id, emails: onSsoDomain }));
    assert.deepEqual(
      decidedSso.map(({ email, refusal }) => [email, refusal.code]),
      onSsoDomain.map((email) => [email, 'sso_required']),
    );
    assertSameRefusal(
      await rejectionOf(tx((t) => inviteMembers(t, enforcing.adminActor, enforcing.id, { emails: onSsoDomain, role: 'member' }, links))),
      refusalOfRequest(decidedSso),
    );
    const each = await tx((t) => inviteEach(t, enforcing.adminActor, enforcing.id, { emails: onSsoDomain, role: 'member' }, links));
    assert.deepEqual(
      each,
      decidedSso.map(({ email, refusal }) => ({ email, result: 'sso_required', message: `${email}: ${refusal.message}` })),
    );

    const org = await makeOrganization();
    const member = await makeMember(org.id, { profile: { userName: `${unique('ada')}@plain.test` } });
    const emails = [member.userName, `${unique('new')}@plain.test`];
    const decided = await tx((t) => decideAdmission(t, { kind: 'invitees', organizationId: org.id, emails }));
    assert.deepEqual(
      decided.map(({ email, refusal }) => [email, refusal.code]),
      [[member.userName, 'already_member']],
    );
    assertSameRefusal(await rejectionOf(tx((t) => inviteMembers(t, org.adminActor, org.id, { emails, role: 'member' }, links))), refusalOfRequest(decided));
    const outcomes = await tx((t) => inviteEach(t, org.adminActor, org.id, { emails, role: 'member' }, links));
    assert.deepEqual(
      outcomes.map((outcome) => outcome.result),
      ['already_member', 'invited'],
    );
  });

  it('accepting an invitation: joins with the invited role and seats, or is refused with admission’s refusal', async () => {
    const org = await ssoOrganization();
    const email = org.email();
    const [invitation] = await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'billing' }, links));
    const account = await tx((t) => accountForVerifiedEmail(t, email));
    const judge = () => tx(async (t) => decideAdmission(t, { kind: 'invitation', invitation: await getInvitation(t, org.id, invitation!.id), account }));
    assert.deepEqual(await judge(), { result: 'joins', organizationId: org.id, userName: email, role: 'billing', source: 'invitation', seats: [] });

    await tx((t) => updateSsoSettings(t, system, org.id, { enforced: true }));
    const refused = await judge();
    assert.ok(refused.result === 'refused');
    assert.equal(refused.refusal.code, 'sso_required');
    const { token } = await invitationMailedTo(email);
    assertSameRefusal(await rejectionOf(tx((t) => acceptInvitation(t, token, account.id))), refused.refusal);

    await tx((t) => updateSsoSettings(t, system, org.id, { enforced: false }));
    const accepted = await tx((t) => acceptInvitation(t, token, account.id));
    assert.deepEqual([accepted.member.role, accepted.member.source, accepted.member.accountId], ['billing', 'invitation', account.id]);
  });
  it('SCIM create: the IdP’s member joins on the terms admission sets, on any domain, and a second create of the name is refused by the write', async () => {
    const scim = await scimClient();
    await tx((t) => setSeatLimit(t, system, scim.org.id, 'chat', 1));
    // A domain no Organization verified: email sign-in and SSO would refuse it; the IdP provisions it.
    const userName = `${unique('contractor')}@unverified.test`;
    const decided = await tx((t) => decideAdmission(t, { kind: 'scim', organizationId: scim.org.id, userName, role: 'billing', seats: ['chat'] }));
    assert.deepEqual(decided, { result: 'joins', organizationId: scim.org.id, userName, role: 'billing', source: 'scim', managedBy: 'scim', seats: ['chat'] });
    const created = await scim
      .post(
        '/Users',
        newUser(userName, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', rosterSchema], [rosterSchema]: { role: 'billing', seats: ['chat'] } }),
      )
      .expect(201);
    const member = await db()('members').where({ id: created.body.id }).first();
    assert.deepEqual(
      [member.organization_id, member.user_name, member.role, member.source, member.managed_by],
      [decided.organizationId, decided.userName, decided.role, decided.source, decided.managedBy],
    );
    assert.deepEqual(await db()('seat_assignments').where({ member_id: member.id }).pluck('product'), decided.seats);

    // Without a role or seats, admission's defaults: a Member with none.
    const plain = `${unique('plain')}@unverified.test`;
    const defaults = await tx((t) => decideAdmission(t, { kind: 'scim', organizationId: scim.org.id, userName: plain, role: undefined, seats: undefined }));
    const second = await scim.post('/Users', newUser(plain)).expect(201);
    const row = await db()('members').where({ id: second.body.id }).first();
    assert.deepEqual([row.role, row.source, row.managed_by], [defaults.role, defaults.source, defaults.managedBy]);
    assert.deepEqual(await db()('seat_assignments').where({ member_id: row.id }).pluck('product'), defaults.seats);

    const again = await scim.post('/Users', newUser(plain.toUpperCase())).expect(409);
    assert.equal(again.body.scimType, 'uniqueness');
  });
});
