import { newId } from '../db/ids.js';
import type { Tx } from '../db/transaction.js';
import { admitted, decideAdmission } from '../org/access/admission.js';
import { accountForVerifiedEmail } from '../org/members/accounts.service.js';
import { recordEvents, type AuditEntry } from '../org/audit/audit.service.js';
import { changeMember } from '../org/members/member-changes.service.js';
import { addMember, linkMemberToAccount } from '../org/members/members.service.js';
import { partitionByFreeSeat, takeSeats } from '../org/seats/seats.service.js';
import type { Member } from '../org/members/types.js';
import type { SsoConnection } from '../org/sso-connections/types.js';
import { insertSession, type Session } from '../org/credentials/sessions.repo.js';
import { countSsoIdentitiesOf, selectMemberIdByNameId, upsertSsoIdentity } from '../org/sso-connections/sso-identities.repo.js';

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
 * An SSO sign-in, after the assertion passed every check: admission decides
 * whether the person is a member (see `decideAdmission`); this writes what it
 * decided. All in the caller's one transaction: a member created just in time
 * is created already linked to the Account, with its NameID, seats and audit
 * events, or not at all.
 */
export async function completeSsoSignIn(tx: Tx, connection: SsoConnection, asserted: AssertedIdentity, sessionMaxAgeMs: number): Promise<SsoSignedIn> {
  const organizationId = connection.organizationId;
  const decision = admitted(
    await decideAdmission(tx, {
      kind: 'sso',
      connection,
      email: asserted.email,
      memberIdOfNameId: await selectMemberIdByNameId(tx, organizationId, asserted.nameId),
      hasSignedInWithSso: async (memberId) => (await countSsoIdentitiesOf(tx, memberId)) > 0,
    }),
  );
  const email = decision.result === 'joins' ? decision.userName : asserted.email!.trim();
  const account = await accountForVerifiedEmail(tx, email);
  let member: Member;
  if (decision.result === 'joins') {
    member = await addMember(tx, ssoActor, organizationId, {
      profile: profileOf(asserted, email, true),
      source: decision.source,
      ...(decision.managedBy ? { managedBy: decision.managedBy } : {}),
      role: decision.role,
      accountId: account.id,
    });
  } else {
    member = decision.member;
    // Without SCIM, the IdP's word on name and email is refreshed at each sign-in.
    if (decision.refreshProfile) member = await changeMember(tx, ssoActor, organizationId, member.id, { profile: profileOf(asserted, email, false) });
    if (member.accountId !== account.id) member = await linkMemberToAccount(tx, ssoActor, organizationId, member.id, account.id);
  }
  await upsertSsoIdentity(tx, organizationId, asserted.nameId, member.id);
  if (decision.seats.length > 0) await assignAutomaticSeats(tx, organizationId, member, decision.seats);

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
async function assignAutomaticSeats(tx: Tx, organizationId: string, member: Member, products: string[]): Promise<void> {
  // The pools stay locked from here, so the seats found free are taken without racing anyone.
  const { free, unavailable } = await partitionByFreeSeat(tx, organizationId, products);
  const taken = await takeSeats(tx, organizationId, member.id, free);
  await recordEvents(tx, organizationId, ssoActor, [
    ...taken.map((product): AuditEntry => ({ action: 'seat.assigned', target: { type: 'member', id: member.id }, data: { product, automatic: true } })),
    ...unavailable.map((product): AuditEntry => ({
      action: 'seat.unavailable',
      target: { type: 'member', id: member.id },
      data: { product, reason: 'no_free_seat' },
    })),
  ]);
}
