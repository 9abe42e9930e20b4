import { newId } from '../db/ids.js';
import type { Tx } from '../db/transaction.js';
import { ForbiddenError } from '../errors.js';
import { accountForVerifiedEmail } from '../org/accounts.service.js';
import { recordEvents } from '../org/audit.service.js';
import { isProvisionedByScim } from '../org/credentials.service.js';
import { findVerifiedDomain } from '../org/domains.service.js';
import { addMember, changeMember, findMemberByUserName, getMember, linkMemberToAccount } from '../org/members.service.js';
import { partitionByFreeSeat, takeSeats } from '../org/seats.service.js';
import type { Member, SsoConnection } from '../org/types.js';
import { insertSession, type Session } from './sessions.repo.js';
import { countSsoIdentitiesOf, selectMemberIdByNameId, upsertSsoIdentity } from './sso-identities.repo.js';

/** What a validated assertion says about the person (after attribute mapping). */
export interface AssertedIdentity {
  nameId: string;
  email?: string | undefined;
  givenName?: string | undefined;
  familyName?: string | undefined;
  displayName?: string | undefined;
}

export interface SsoSignedIn {
  session: Session;
  member: Member;
  accountId: string;
}

const ssoActor = { type: 'sso' as const };

/**
 * The identity rules of an SSO sign-in, after the assertion passed every check.
 * A member is found by (Organization, NameID), then by email on a verified
 * domain of that Organization. Emails outside those domains never create, join
 * or link anything. When SCIM provisions the Organization, SCIM owns profiles
 * and lifecycle: SSO only authenticates, and unknown or suspended members are
 * refused. Otherwise a known member's name and email follow the assertion, and
 * an unknown one is created just in time when the Organization allows it.
 */
export async function completeSsoSignIn(tx: Tx, connection: SsoConnection, asserted: AssertedIdentity, sessionMaxAgeMs: number): Promise<SsoSignedIn> {
  const organizationId = connection.organizationId;
  const email = asserted.email?.trim();
  if (!email) throw new ForbiddenError('no_email', 'The identity provider sent no email address for this person; map an email attribute');
  const domain = await findVerifiedDomain(tx, email);
  if (!domain || domain.organizationId !== organizationId) {
    throw new ForbiddenError('email_domain_not_verified', 'This email address is not on a domain the Organization has verified');
  }
  const scim = await isProvisionedByScim(tx, organizationId);
  const knownId = await selectMemberIdByNameId(tx, organizationId, asserted.nameId);
  let member = knownId ? await getMember(tx, organizationId, knownId) : await findMemberByUserName(tx, organizationId, email);
  const firstSsoSignIn = !member || (await countSsoIdentitiesOf(tx, member.id)) === 0;

  if (!member) {
    if (scim) throw new ForbiddenError('not_provisioned', 'Your identity provider has not provisioned you in this Organization');
    // Created just in time, or because the domain lets its people join on their own.
    if (!connection.jitEnabled && !domain.autoJoin) throw new ForbiddenError('not_a_member', 'You are not a member of this Organization; ask an admin to add you');
    member = await addMember(tx, ssoActor, organizationId, {
      profile: profileOf(asserted, email, true),
      source: connection.jitEnabled ? 'sso' : 'domain',
      managedBy: 'sso',
    });
  } else if (member.status !== 'active') {
    throw new ForbiddenError('member_suspended', 'Your membership of this Organization is suspended');
  } else if (!scim && member.managedBy === 'sso') {
    // Without SCIM, the IdP's word on name and email is refreshed at each sign-in.
    member = await changeMember(tx, ssoActor, organizationId, member.id, { profile: profileOf(asserted, email, false) });
  }

  const account = await accountForVerifiedEmail(tx, email);
  if (member.accountId !== account.id) member = await linkMemberToAccount(tx, ssoActor, organizationId, member.id, account.id);
  await upsertSsoIdentity(tx, organizationId, asserted.nameId, member.id);
  if (firstSsoSignIn && connection.autoAssignSeats) await assignAutomaticSeats(tx, connection, member);

  const session = await insertSession(tx, { id: newId(), accountId: account.id, organizationId, memberId: member.id, maxAgeMs: sessionMaxAgeMs });
  return { session, member, accountId: account.id };
}

function profileOf(asserted: AssertedIdentity, email: string, creating: boolean) {
  return {
    ...(creating ? { userName: email } : {}),
    emails: [{ value: email, type: 'work', primary: true }],
    name: { givenName: asserted.givenName ?? null, familyName: asserted.familyName ?? null },
    ...(asserted.displayName ? { displayName: asserted.displayName } : {}),
  } as { userName: string } & Parameters<typeof addMember>[3]['profile'];
}

/**
 * A member's first SSO sign-in takes a seat of each configured product that has
 * one free. A product without a free seat does not stop the sign-in; the audit
 * log says which.
 */
async function assignAutomaticSeats(tx: Tx, connection: SsoConnection, member: Member): Promise<void> {
  const organizationId = connection.organizationId;
  // The pools stay locked from here, so the seats found free are taken without racing anyone.
  const { free, unavailable } = await partitionByFreeSeat(tx, organizationId, connection.autoSeatProducts);
  const taken = await takeSeats(tx, organizationId, member.id, free);
  await recordEvents(tx, organizationId, ssoActor, [
    ...taken.map((product) => ({ action: 'seat.assigned', target: { type: 'member', id: member.id }, data: { product, automatic: true } })),
    ...unavailable.map((product) => ({ action: 'seat.unavailable', target: { type: 'member', id: member.id }, data: { product, reason: 'no_free_seat' } })),
  ]);
}
