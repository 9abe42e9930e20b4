import { randomBytes } from 'node:crypto';
import { newId } from '../db/ids.js';
import type { Tx } from '../db/transaction.js';
import { NotFoundError, UnauthenticatedError } from '../errors.js';
import { emailSignInUrl, ssoLoginUrl } from '../mail/links.js';
import { signInLinkMail } from '../mail/messages.js';
import { queueMail } from '../mail/outbox.js';
import { admitted, decideAdmission, type Joins, type Stays } from '../org/access/admission.js';
import { refuse } from '../org/access/refusals.js';
import { accountForVerifiedEmail } from '../org/members/accounts.service.js';
import { findVerifiedDomain } from '../org/domains/domains.service.js';
import { acceptInvitation, type AcceptedInvitation } from '../org/invitations/invitations.service.js';
import { addMember, findMemberByUserName, linkMemberToAccount, membershipsOfAccount } from '../org/members/members.service.js';
import { getOrganization } from '../org/organizations/organizations.service.js';
import { assertEmailMaySignInWithoutSso } from '../org/sso-connections/sso-connections.service.js';
import { hashSecret } from '../org/credentials/secrets.js';
import type { Account, Member } from '../org/members/types.js';
import { requireEmail } from '../org/organizations/validation.js';
import { insertSession, type Session } from '../org/credentials/sessions.repo.js';
import { consumeSignInLinkRow, insertSignInLink, selectSignInLinkState, type SignInLink } from '../org/credentials/sign-in-links.repo.js';

/** A sign-in link is good for 15 minutes, once. */
export const signInLinkValidSeconds = 15 * 60;

function newLinkToken(): string {
  return `roster_link_${randomBytes(32).toString('base64url')}`;
}

/**
 * Email sign-in, step one: mails a one-time link to the address. The answer is
 * the same whether or not the address has an Account, so it tells nobody who
 * uses Roster.
 */
export async function requestEmailSignIn(
  tx: Tx,
  input: { email: unknown; organizationId?: string | undefined; publicUrl: string; next?: string | undefined },
): Promise<void> {
  const email = requireEmail('email', input.email);
  if (input.organizationId !== undefined) await getOrganization(tx, input.organizationId);
  await assertSsoNotRequired(tx, email, input.publicUrl);
  const token = newLinkToken();
  await insertSignInLink(tx, {
    id: newId(),
    tokenHash: hashSecret(token),
    email,
    organizationId: input.organizationId ?? null,
    memberId: null,
    validSeconds: signInLinkValidSeconds,
  });
  await queueMail(tx, signInLinkMail(email, emailSignInUrl(input.publicUrl, token, input.next)));
}

/**
 * An operator's link for an existing member (how the first Admin gets in):
 * the member is named by the email they were created with.
 */
export async function createOperatorSignInLink(
  tx: Tx,
  input: { organizationId: string; email: string; publicUrl: string },
): Promise<{ url: string; expiresAt: Date; memberId: string }> {
  const email = requireEmail('email', input.email);
  await getOrganization(tx, input.organizationId);
  const member = await findMemberByUserName(tx, input.organizationId, email);
  if (!member) throw new NotFoundError('member', email);
  const token = newLinkToken();
  const link = await insertSignInLink(tx, {
    id: newId(),
    tokenHash: hashSecret(token),
    email,
    organizationId: input.organizationId,
    memberId: member.id,
    validSeconds: signInLinkValidSeconds,
  });
  return { url: emailSignInUrl(input.publicUrl, token), expiresAt: link.expiresAt, memberId: member.id };
}

export interface SignedIn {
  session: Session;
  account: Account;
  member: Member | null;
}

/**
 * Email sign-in, step two: the link's holder proved the address. Uses up the
 * link, finds or creates the Account, decides which membership the session is
 * for, and starts the session.
 */
export async function completeEmailSignIn(tx: Tx, token: string, sessionMaxAgeMs: number): Promise<SignedIn> {
  const link = typeof token === 'string' && token.length < 200 ? await consumeSignInLinkRow(tx, hashSecret(token)) : undefined;
  if (!link) throw new UnauthenticatedError('link_invalid', 'This sign-in link is invalid, already used or expired; ask for a new one');
  // Enforcement may have been turned on since the link was sent; an operator's link is exempt (it is how an operator gets in).
  if (!link.memberId) await assertSsoNotRequired(tx, link.email);
  const account = await accountForVerifiedEmail(tx, link.email);
  const member = await membershipFor(tx, link, account);
  // An operator's link names the member directly; admission refused the other suspended ones already.
  if (member && member.status !== 'active') throw refuse.suspended();
  const session = await insertSession(tx, {
    id: newId(),
    accountId: account.id,
    organizationId: member?.organizationId ?? null,
    memberId: member?.id ?? null,
    maxAgeMs: sessionMaxAgeMs,
  });
  return { session, account, member };
}

/**
 * Why a link cannot be used (or that it still can), without using it up: what a browser that
 * followed it is told. `unknown`: no such link, or one dropped a day after it expired.
 */
export async function signInLinkState(tx: Tx, token: string): Promise<'usable' | 'used' | 'expired' | 'unknown'> {
  const state = typeof token === 'string' && token.length < 200 ? await selectSignInLinkState(tx, hashSecret(token)) : undefined;
  return state ?? 'unknown';
}

/**
 * A signed-in Account accepts an invitation (see `acceptInvitation`) and gets a new
 * session in the Organization it joined, so it carries on there.
 */
export async function joinByInvitation(tx: Tx, token: string, accountId: string, sessionMaxAgeMs: number): Promise<AcceptedInvitation & { session: Session }> {
  const accepted = await acceptInvitation(tx, token, accountId);
  const session = await insertSession(tx, {
    id: newId(),
    accountId,
    organizationId: accepted.member.organizationId,
    memberId: accepted.member.id,
    maxAgeMs: sessionMaxAgeMs,
  });
  return { ...accepted, session };
}

/** SSO enforcement (see `assertEmailMaySignInWithoutSso`), pointing to the SSO login when the caller knows Roster's URL. */
function assertSsoNotRequired(tx: Tx, email: string, publicUrl?: string): Promise<void> {
  return assertEmailMaySignInWithoutSso(tx, email, publicUrl ? (organizationId) => ssoLoginUrl(publicUrl, organizationId) : undefined);
}

async function membershipFor(tx: Tx, link: SignInLink, account: Account): Promise<Member | null> {
  if (link.organizationId && link.memberId) {
    // An operator named this member; the person proved its email, so the member becomes theirs.
    return linkMemberToAccount(tx, signInActor, link.organizationId, link.memberId, account.id);
  }
  if (link.organizationId)
    return admit(tx, admitted(await decideAdmission(tx, { kind: 'verified_email', organizationId: link.organizationId, account })), account);
  // No Organization named: auto-join the one that verified this email's domain, if it lets people
  // in that way; then the session is for the Account's one active membership, else the Account alone.
  const domain = await findVerifiedDomain(tx, account.email);
  if (domain?.autoJoin) {
    const decision = await decideAdmission(tx, { kind: 'verified_email', organizationId: domain.organizationId, account });
    // Not being a member there only means the session is not for that Organization; any other refusal stands.
    if (decision.result !== 'refused') return admit(tx, decision, account);
    if (decision.refusal.code !== 'not_a_member') throw decision.refusal;
  }
  const memberships = (await membershipsOfAccount(tx, account.id)).filter((member) => member.status === 'active');
  return memberships.length === 1 ? memberships[0]! : null;
}

const signInActor = { type: 'system' as const, id: 'sign-in' };

/** Writes what admission decided for the Account: a member linked to it, or a new member that auto-joined. */
async function admit(tx: Tx, decision: Stays | Joins, account: Account): Promise<Member> {
  if (decision.result === 'stays') {
    return decision.linkAccount ? linkMemberToAccount(tx, signInActor, decision.member.organizationId, decision.member.id, account.id) : decision.member;
  }
  return addMember(tx, { type: 'system', id: 'auto-join' }, decision.organizationId, {
    profile: {
      userName: decision.userName,
      emails: [{ value: decision.userName, type: 'work', primary: true }],
      name: { givenName: account.givenName, familyName: account.familyName },
    },
    role: decision.role,
    source: decision.source,
    accountId: account.id,
  });
}
