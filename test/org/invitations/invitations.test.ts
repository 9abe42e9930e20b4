import assert from 'node:assert/strict';
import { upsertAccountByEmail } from '../../../src/org/members/accounts.repo.js';
import { accountForVerifiedEmail } from '../../../src/org/members/accounts.service.js';
import { listAuditEvents } from '../../../src/org/audit/audit.service.js';
import { createGroup } from '../../../src/org/groups/groups.service.js';
import {
  acceptInvitation,
  getInvitation,
  invitationValidSeconds,
  inviteMembers,
  listPendingInvitations,
  resendInvitation,
  revokeInvitation,
} from '../../../src/org/invitations/invitations.service.js';
import { getMember, removeMember } from '../../../src/org/members/members.service.js';
import { listSeatPools, seatsOf, setSeatLimit } from '../../../src/org/seats/seats.service.js';
import { updateSsoSettings } from '../../../src/org/sso-connections/sso-connections.service.js';
import { addWorkspaceMember, createWorkspace, effectiveAccess } from '../../../src/org/workspaces/workspaces.service.js';
import { db } from '../../support/database.js';
import { countRows, makeMember, makeOrganization, rejectionOf, system, tx, unique } from '../../support/factories.js';
import { expireInvitation, invitationMailedTo, mailsTo } from '../../support/invitations.js';
import { publicUrl } from '../../support/scim.js';
import { ssoOrganization } from '../../support/sso.js';

const links = { publicUrl };
const address = () => `${unique('invitee')}@example.test`;
const verifiedAccount = (email: string) => tx((t) => accountForVerifiedEmail(t, email));

describe('invitations', () => {
  describe('inviting', () => {
    it('invites several addresses at once with one role and seats, mailing each a 7-day join link, one event each', async () => {
      const org = await makeOrganization();
      await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
      const emails = [address(), address(), address()];

      const invitations = await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails, role: 'billing', seats: ['chat'] }, links));

      assert.deepEqual(
        invitations.map((invitation) => invitation.email),
        emails,
      );
      for (const invitation of invitations) {
        assert.equal(invitation.status, 'pending');
        assert.equal(invitation.expired, false);
        assert.equal(invitation.role, 'billing');
        assert.deepEqual(invitation.seats, ['chat']);
        assert.equal(invitation.invitedByMemberId, org.admin.id);
        const validFor = (invitation.expiresAt.getTime() - invitation.createdAt.getTime()) / 1000;
        assert.ok(Math.abs(validFor - invitationValidSeconds) < 5, `valid for ${validFor} s`);
        const mail = await invitationMailedTo(invitation.email);
        assert.ok(mail.url.startsWith(`${publicUrl}/join/roster_invite_`));
        assert.match(mail.text, new RegExp(org.organization.name));
      }
      const events = await tx((t) => listAuditEvents(t, { organizationId: org.id }));
      assert.equal(events.filter((event) => event.action === 'invitation.created').length, 3);
      // The token is mailed only: nothing stored or answered holds it.
      const stored = await db()('invitations').where({ organization_id: org.id }).select('token_hash');
      assert.ok(stored.every((row: { token_hash: string }) => /^[0-9a-f]{64}$/.test(row.token_hash)));
    });

    it('counts the same address in two letter cases once', async () => {
      const org = await makeOrganization();
      const email = address();
      const invitations = await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email, email.toUpperCase()], role: 'member' }, links));
      assert.equal(invitations.length, 1);
    });

    it('refuses the whole request, writing and mailing nothing, when one address is a member or invited already', async () => {
      const org = await makeOrganization();
      const member = await makeMember(org.id);
      const invited = address();
      await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [invited], role: 'member' }, links));
      const fresh = address();

      const asMember = await rejectionOf(
        tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [fresh, member.userName.toUpperCase()], role: 'member' }, links)),
      );
      assert.equal(asMember.code, 'already_member');
      assert.deepEqual(asMember.details?.emails, [member.userName.toUpperCase()]);
      const again = await rejectionOf(tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [fresh, invited], role: 'member' }, links)));
      assert.equal(again.code, 'already_invited');
      assert.equal(await mailsTo(fresh), 0);
      assert.equal(await countRows('invitations', { organization_id: org.id }), 1);
    });

    it('keeps an expired invitation as the pending one: inviting the address again is refused until it is resent or revoked', async () => {
      const org = await makeOrganization();
      const email = address();
      const [invitation] = await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'member' }, links));
      await expireInvitation(invitation!.id);
      assert.equal((await tx((t) => getInvitation(t, org.id, invitation!.id))).expired, true);
      assert.equal(
        (await rejectionOf(tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'member' }, links)))).code,
        'already_invited',
      );
      await tx((t) => revokeInvitation(t, org.adminActor, org.id, invitation!.id));
      await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'member' }, links));
    });

    it('refuses bad addresses, roles, products and list sizes', async () => {
      const org = await makeOrganization();
      const invite = (request: Parameters<typeof inviteMembers>[3]) => rejectionOf(tx((t) => inviteMembers(t, org.adminActor, org.id, request, links)));
      assert.equal((await invite({ emails: [], role: 'member' })).code, 'invalid_value');
      assert.equal((await invite({ emails: Array.from({ length: 101 }, address), role: 'member' })).code, 'invalid_value');
      assert.equal((await invite({ emails: ['not-an-address'], role: 'member' })).code, 'invalid_email');
      assert.equal((await invite({ emails: [address()], role: 'owner' as never })).code, 'invalid_role');
      assert.equal((await invite({ emails: [address()], role: 'member', seats: ['Not A Product'] })).code, 'invalid_product');
      const unknown = await invite({ emails: [address()], role: 'member', seats: ['nope'] });
      assert.equal(unknown.code, 'unknown_product');
      assert.deepEqual(unknown.details?.products, ['nope']);
      assert.equal(await countRows('invitations', { organization_id: org.id }), 0);
    });

    it('refuses an address on a domain verified by an Organization that enforces SSO, in any Organization', async () => {
      const enforcing = await ssoOrganization({ enforced: true });
      const other = await makeOrganization();
      for (const org of [enforcing, other]) {
        const refused = await rejectionOf(
          tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [address(), enforcing.email()], role: 'member' }, links)),
        );
        assert.equal(refused.code, 'sso_required');
        assert.equal(refused.kind, 'forbidden');
        assert.equal(refused.details?.organizationId, enforcing.id);
        assert.equal(await countRows('invitations', { organization_id: org.id }), 0);
      }
      // Without enforcement the same domain may be invited.
      await tx((t) => updateSsoSettings(t, system, enforcing.id, { enforced: false }));
      await tx((t) => inviteMembers(t, other.adminActor, other.id, { emails: [enforcing.email()], role: 'member' }, links));
    });

    it('keeps one pending invitation per address when two admins invite it at the same time', async () => {
      const org = await makeOrganization();
      const email = address();
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'member' }, links))),
      );
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
      for (const result of results) if (result.status === 'rejected') assert.equal((result.reason as { code?: string }).code, 'already_invited');
      assert.equal(await countRows('invitations', { organization_id: org.id }), 1);
    });
  });

  describe('resending and revoking', () => {
    it('resends with a new link and a new 7-day expiry; the old link stops working', async () => {
      const org = await makeOrganization();
      const email = address();
      const [invitation] = await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'member' }, links));
      const first = await invitationMailedTo(email);
      await expireInvitation(invitation!.id);

      const resent = await tx((t) => resendInvitation(t, org.adminActor, org.id, invitation!.id, links));
      const second = await invitationMailedTo(email);

      assert.notEqual(second.token, first.token);
      assert.equal(resent.expired, false);
      assert.ok(resent.expiresAt.getTime() > Date.now() + (invitationValidSeconds - 60) * 1000);
      assert.equal(await mailsTo(email), 2);
      const account = await verifiedAccount(email);
      assert.equal((await rejectionOf(tx((t) => acceptInvitation(t, first.token, account.id)))).code, 'invitation_not_found');
      await tx((t) => acceptInvitation(t, second.token, account.id));
      const events = await tx((t) => listAuditEvents(t, { organizationId: org.id, targetId: invitation!.id }));
      assert.deepEqual(events.map((event) => event.action).sort(), ['invitation.accepted', 'invitation.created', 'invitation.resent']);
    });

    it('revokes: the link stops working, and neither resend nor revoke applies again', async () => {
      const org = await makeOrganization();
      const email = address();
      const [invitation] = await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'member' }, links));
      const { token } = await invitationMailedTo(email);
      await tx((t) => revokeInvitation(t, org.adminActor, org.id, invitation!.id));

      const account = await verifiedAccount(email);
      assert.equal((await rejectionOf(tx((t) => acceptInvitation(t, token, account.id)))).code, 'invitation_revoked');
      assert.equal((await rejectionOf(tx((t) => resendInvitation(t, org.adminActor, org.id, invitation!.id, links)))).code, 'invitation_not_pending');
      assert.equal((await rejectionOf(tx((t) => revokeInvitation(t, org.adminActor, org.id, invitation!.id)))).code, 'invitation_not_pending');
      assert.equal(await countRows('members', { organization_id: org.id }), 1);
    });

    it('answers 404 for another Organization’s invitation', async () => {
      const org = await makeOrganization();
      const other = await makeOrganization();
      const [invitation] = await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [address()], role: 'member' }, links));
      assert.equal((await rejectionOf(tx((t) => resendInvitation(t, other.adminActor, other.id, invitation!.id, links)))).kind, 'not_found');
      assert.equal((await rejectionOf(tx((t) => revokeInvitation(t, other.adminActor, other.id, invitation!.id)))).kind, 'not_found');
      assert.equal((await rejectionOf(tx((t) => getInvitation(t, other.id, invitation!.id)))).kind, 'not_found');
    });
  });

  describe('listing', () => {
    it('lists pending and expired invitations, not accepted or revoked ones, searched, filtered and paged', async () => {
      const org = await makeOrganization();
      const tag = unique('list');
      const emails = [1, 2, 3, 4].map((n) => `${tag}-${n}@example.test`);
      const invitations = await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: emails.slice(0, 3), role: 'member' }, links));
      await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [emails[3]!], role: 'admin' }, links));
      await expireInvitation(invitations[0]!.id);
      await tx((t) => revokeInvitation(t, org.adminActor, org.id, invitations[1]!.id));

      const all = await tx((t) => listPendingInvitations(t, org.id, { limit: 10 }));
      // Ids are time-ordered; those made in one millisecond are in no particular order among themselves.
      assert.deepEqual(all.items.map((invitation) => [invitation.email, invitation.expired]).sort(), [
        [emails[0], true],
        [emails[2], false],
        [emails[3], false],
      ]);
      assert.equal(all.next, null);
      assert.deepEqual(
        (await tx((t) => listPendingInvitations(t, org.id, { limit: 10, role: 'admin' }))).items.map((i) => i.email),
        [emails[3]],
      );
      assert.deepEqual(
        (await tx((t) => listPendingInvitations(t, org.id, { limit: 10, text: `${tag.toUpperCase()}-3` }))).items.map((i) => i.email),
        [emails[2]],
      );
      assert.deepEqual((await tx((t) => listPendingInvitations(t, org.id, { limit: 10, text: '%' }))).items, [], 'LIKE wildcards are matched literally');

      const first = await tx((t) => listPendingInvitations(t, org.id, { limit: 2 }));
      assert.equal(first.next !== null, true);
      const rest = await tx((t) => listPendingInvitations(t, org.id, { limit: 2, afterId: first.items.at(-1)!.id }));
      assert.equal(rest.next, null);
      assert.deepEqual(
        [...first.items, ...rest.items].map((i) => i.id),
        all.items.map((i) => i.id),
      );
    });
  });

  describe('accepting', () => {
    it('makes the Account a new member with the invited role and the seats that are free, naming those that are not', async () => {
      const org = await makeOrganization();
      await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
      await tx((t) => setSeatLimit(t, system, org.id, 'code', 0));
      const email = address();
      const [invitation] = await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'billing', seats: ['chat', 'code'] }, links));
      const account = await tx((t) => upsertAccountByEmail(t, email.toUpperCase(), { givenName: 'Ada', familyName: 'Lovelace', verified: true }));

      const accepted = await invitationMailedTo(email).then(({ token }) => tx((t) => acceptInvitation(t, token, account.id)));

      assert.deepEqual(accepted.seatsUnavailable, ['code']);
      assert.equal(accepted.invitation.status, 'accepted');
      assert.equal(accepted.invitation.acceptedMemberId, accepted.member.id);
      const member = await tx((t) => getMember(t, org.id, accepted.member.id));
      assert.equal(member.role, 'billing');
      assert.equal(member.source, 'invitation');
      assert.equal(member.managedBy, 'none');
      assert.equal(member.accountId, account.id);
      assert.equal(member.userName, email);
      assert.equal(member.name.familyName, 'Lovelace');
      assert.deepEqual(await tx((t) => seatsOf(t, org.id, member.id)), ['chat']);
      assert.deepEqual(
        (await tx((t) => listSeatPools(t, org.id))).map((pool) => [pool.product, pool.assigned]),
        [
          ['chat', 1],
          ['code', 0],
        ],
      );
      const access = await tx((t) => effectiveAccess(t, org.id, member.id));
      assert.deepEqual(
        access.map((entry) => entry.workspaceId),
        [org.defaultWorkspace.id],
      );
      const events = await tx((t) => listAuditEvents(t, { organizationId: org.id }));
      const joined = events.find((event) => event.action === 'invitation.accepted')!;
      assert.deepEqual(joined.data.seatsUnavailable, ['code']);
      assert.ok(events.some((event) => event.action === 'member.created' && event.targetId === member.id));
      assert.deepEqual((await tx((t) => listPendingInvitations(t, org.id, { limit: 10 }))).items, []);
      assert.equal((await rejectionOf(tx((t) => acceptInvitation(t, 'roster_invite_x', account.id)))).code, 'invitation_not_found');
      assert.equal(invitation!.id, accepted.invitation.id);
    });

    it('refuses an expired invitation', async () => {
      const org = await makeOrganization();
      const email = address();
      const [invitation] = await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'member' }, links));
      await expireInvitation(invitation!.id);
      const account = await verifiedAccount(email);
      const refused = await rejectionOf(invitationMailedTo(email).then(({ token }) => tx((t) => acceptInvitation(t, token, account.id))));
      assert.equal(refused.code, 'invitation_expired');
      assert.equal(await countRows('members', { organization_id: org.id }), 1);
    });

    it('needs the Account whose verified email is the invited address', async () => {
      const org = await makeOrganization();
      const email = address();
      await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'member' }, links));
      const { token } = await invitationMailedTo(email);
      const someoneElse = await verifiedAccount(address());
      assert.equal((await rejectionOf(tx((t) => acceptInvitation(t, token, someoneElse.id)))).code, 'invitation_email_mismatch');
      const unverified = await tx((t) => upsertAccountByEmail(t, email));
      assert.equal((await rejectionOf(tx((t) => acceptInvitation(t, token, unverified.id)))).code, 'email_not_verified');
      assert.equal(await countRows('members', { organization_id: org.id }), 1);
      // Once the address is proven, the same Account accepts the same link.
      await verifiedAccount(email);
      await tx((t) => acceptInvitation(t, token, unverified.id));
    });

    it('refuses a second accept, and someone who became a member meanwhile', async () => {
      const org = await makeOrganization();
      const email = address();
      await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'member' }, links));
      const { token } = await invitationMailedTo(email);
      const account = await verifiedAccount(email);
      await makeMember(org.id, { profile: { userName: email } });
      assert.equal((await rejectionOf(tx((t) => acceptInvitation(t, token, account.id)))).code, 'already_member');

      const other = await makeOrganization();
      await tx((t) => inviteMembers(t, other.adminActor, other.id, { emails: [email], role: 'member' }, links));
      const again = await invitationMailedTo(email);
      await tx((t) => acceptInvitation(t, again.token, account.id));
      assert.equal((await rejectionOf(tx((t) => acceptInvitation(t, again.token, account.id)))).code, 'invitation_used');
    });

    it('refuses when SSO enforcement began after the invitation was sent', async () => {
      const org = await ssoOrganization();
      const email = org.email();
      await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'member' }, links));
      await tx((t) => updateSsoSettings(t, system, org.id, { enforced: true }));
      const account = await verifiedAccount(email);
      assert.equal((await rejectionOf(invitationMailedTo(email).then(({ token }) => tx((t) => acceptInvitation(t, token, account.id))))).code, 'sso_required');
    });

    it('makes exactly one member when one link is accepted five times at once', async () => {
      const org = await makeOrganization();
      await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
      const email = address();
      await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'member', seats: ['chat'] }, links));
      const { token } = await invitationMailedTo(email);
      const account = await verifiedAccount(email);

      const results = await Promise.allSettled(Array.from({ length: 5 }, () => tx((t) => acceptInvitation(t, token, account.id))));

      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
      for (const result of results) if (result.status === 'rejected') assert.equal((result.reason as { code?: string }).code, 'invitation_used');
      assert.equal(await countRows('members', { organization_id: org.id, account_id: account.id }), 1);
      assert.equal((await tx((t) => listSeatPools(t, org.id)))[0]!.assigned, 1);
    });

    it('lets a removed member be invited again, who comes back fresh: the new role and seats, nothing carried over', async () => {
      const org = await makeOrganization();
      await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
      await tx((t) => setSeatLimit(t, system, org.id, 'code', 5));
      const email = address();
      const account = await verifiedAccount(email);
      await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'admin', seats: ['chat'] }, links));
      const first = await invitationMailedTo(email).then(({ token }) => tx((t) => acceptInvitation(t, token, account.id)));
      const workspace = await tx((t) => createWorkspace(t, org.adminActor, org.id, unique('Research')));
      await tx((t) => addWorkspaceMember(t, org.adminActor, org.id, workspace.id, first.member.id, 'admin'));
      await tx((t) => createGroup(t, org.adminActor, org.id, { displayName: unique('Group'), memberIds: [first.member.id] }));
      await tx((t) => removeMember(t, org.adminActor, org.id, first.member.id));

      await tx((t) => inviteMembers(t, org.adminActor, org.id, { emails: [email], role: 'member', seats: ['code'] }, links));
      const second = await invitationMailedTo(email).then(({ token }) => tx((t) => acceptInvitation(t, token, account.id)));

      assert.notEqual(second.member.id, first.member.id);
      assert.equal(second.member.role, 'member');
      assert.deepEqual(await tx((t) => seatsOf(t, org.id, second.member.id)), ['code']);
      const access = await tx((t) => effectiveAccess(t, org.id, second.member.id));
      assert.deepEqual(
        access.map((entry) => [entry.workspaceId, entry.role]),
        [[org.defaultWorkspace.id, 'contributor']],
      );
      assert.equal(await countRows('group_members', { member_id: second.member.id }), 0);
    });
  });
});
