import { isId } from '../../db/ids.js';
import type { Tx } from '../../db/transaction.js';
import { isProvisionedByScim } from '../credentials/credentials.service.js';
import { findVerifiedDomain } from '../domains/domains.service.js';
import { findMemberByUserName, findMemberOfAccount, getMember } from '../members/members.service.js';
import type { Account, ManagedBy, Member, MemberSource } from '../members/types.js';
import type { Invitation } from '../invitations/types.js';
import type { OrganizationRole } from '../organizations/types.js';
import type { SsoConnection } from '../sso-connections/types.js';
import { decideInvitees, type InviteeRefusal, type InviteesIdentity } from './invitees.js';
import { AdmissionRefusal, refuse } from './refusals.js';
import { ssoRequiredFor } from './sso-enforcement.js';

/**
 * Admission: who may join an Organization (or stay in it), with which role and
 * seats, or why not. Every way in asks `decideAdmission`; it only reads (the
 * caller writes what it decided, in the same transaction).
 */

/** A person who proved an email address (an email sign-in link) and asks for a membership of one Organization. */
export interface VerifiedEmailIdentity {
  kind: 'verified_email';
  organizationId: string;
  account: Account;
}

/** A person the Organization's SAML IdP vouched for. */
export interface SsoIdentity {
  kind: 'sso';
  connection: SsoConnection;
  email: string | undefined;
  /** The member this NameID signed in as before, if any. */
  memberIdOfNameId: string | undefined;
  /** Whether the member has signed in through SSO before (automatic seats are for the first time only). */
  hasSignedInWithSso: (memberId: string) => Promise<boolean>;
}

/** The holder of an invitation link (row-locked by the caller; undefined when the link names none), signed in as `account`. */
export interface InvitationIdentity {
  kind: 'invitation';
  invitation: Invitation | undefined;
  account: Account | undefined;
}

/**
 * A person the Organization's IdP provisions over SCIM (RFC 7644 §3.3), with the role and
 * seats it asks for.
 */
export interface ProvisionedIdentity {
  kind: 'scim';
  organizationId: string;
  userName: string;
  role: OrganizationRole | undefined;
  seats: string[] | undefined;
}

export type Identity = VerifiedEmailIdentity | SsoIdentity | InvitationIdentity | ProvisionedIdentity;

/** The person is (and stays) this member; `linkAccount` (verified email): the member is not yet linked to the person's Account. */
export interface Stays {
  result: 'stays';
  member: Member;
  linkAccount: boolean;
  /** The IdP's word on name and email replaces the member's (SSO without SCIM). */
  refreshProfile: boolean;
  /** Products whose seat the member takes now, each if one is free. */
  seats: string[];
}

/** The person becomes a new member with this role, and each of `seats` that is free. */
export interface Joins {
  result: 'joins';
  organizationId: string;
  userName: string;
  role: OrganizationRole;
  source: MemberSource;
  managedBy?: ManagedBy;
  seats: string[];
}

export interface Refused {
  result: 'refused';
  refusal: AdmissionRefusal;
}

export type Admission = Stays | Joins | Refused;

export type { InviteeRefusal, InviteesIdentity } from './invitees.js';

export function decideAdmission(tx: Tx, identity: InvitationIdentity): Promise<Joins | Refused>;
export function decideAdmission(tx: Tx, identity: ProvisionedIdentity): Promise<Joins>;
export function decideAdmission(tx: Tx, identity: Identity): Promise<Admission>;
export function decideAdmission(tx: Tx, identity: InviteesIdentity): Promise<InviteeRefusal[]>;
export function decideAdmission(tx: Tx, identity: Identity | InviteesIdentity): Promise<Admission | InviteeRefusal[]> {
  switch (identity.kind) {
    case 'verified_email':
      return decideVerifiedEmail(tx, identity);
    case 'sso':
      return decideSso(tx, identity);
    case 'invitation':
      return decideInvitation(tx, identity);
    case 'invitees':
      return decideInvitees(tx, identity);
    case 'scim':
      return Promise.resolve(decideProvisioned(identity));
  }
}

/** The decision, or its refusal thrown. */
export function admitted<T extends Admission>(decision: T): Exclude<T, Refused> {
  if (decision.result === 'refused') throw decision.refusal;
  return decision as Exclude<T, Refused>;
}

const refused = (refusal: AdmissionRefusal): Refused => ({ result: 'refused', refusal });
const stays = (member: Member, changes: Partial<Omit<Stays, 'result' | 'member'>> = {}): Admission =>
  member.status === 'active' ? { result: 'stays', member, linkAccount: false, refreshProfile: false, seats: [], ...changes } : refused(refuse.suspended());

/**
 * The Account's member in the Organization: the one linked to it; else a member
 * created with this email (by SCIM, say) on a domain the Organization verified,
 * to be linked; else, when that domain lets people auto-join, a new Member. An
 * email outside the Organization's verified domains never links or joins.
 */
async function decideVerifiedEmail(tx: Tx, { organizationId, account }: VerifiedEmailIdentity): Promise<Admission> {
  if (!isId(organizationId)) return refused(refuse.notAMemberViaEmail());
  const linked = await findMemberOfAccount(tx, organizationId, account.id);
  if (linked) return stays(linked);
  const domain = await findVerifiedDomain(tx, account.email);
  if (!domain || domain.organizationId !== organizationId) return refused(refuse.notAMemberViaEmail());
  const existing = await findMemberByUserName(tx, organizationId, account.email);
  if (existing && !existing.accountId) return stays(existing, { linkAccount: true });
  if (existing || !domain.autoJoin) return refused(refuse.notAMemberViaEmail());
  return { result: 'joins', organizationId, userName: account.email, role: 'member', source: 'domain', seats: [] };
}

/**
 * A member is found by (Organization, NameID), then by email on a verified
 * domain of that Organization. Emails outside those domains never create, join
 * or link anything. When SCIM provisions the Organization, SCIM owns profiles
 * and lifecycle: SSO only authenticates, and unknown or suspended members are
 * refused. Otherwise a known member's name and email follow the assertion, and
 * an unknown one is created just in time when the Organization allows it.
 */
async function decideSso(tx: Tx, identity: SsoIdentity): Promise<Admission> {
  const { connection } = identity;
  const organizationId = connection.organizationId;
  const email = identity.email?.trim();
  if (!email) return refused(refuse.noEmail());
  const domain = await findVerifiedDomain(tx, email);
  if (!domain || domain.organizationId !== organizationId) return refused(refuse.emailDomainNotVerified());
  const scim = await isProvisionedByScim(tx, organizationId);
  const member = identity.memberIdOfNameId
    ? await getMember(tx, organizationId, identity.memberIdOfNameId)
    : await findMemberByUserName(tx, organizationId, email);
  const automaticSeats = connection.autoAssignSeats ? connection.autoSeatProducts : [];
  if (member) {
    const firstSsoSignIn = !(await identity.hasSignedInWithSso(member.id));
    return stays(member, { refreshProfile: !scim && member.managedBy === 'sso', seats: firstSsoSignIn ? automaticSeats : [] });
  }
  if (scim) return refused(refuse.notProvisioned());
  // Created just in time, or because the domain lets its people join on their own.
  if (!connection.jitEnabled && !domain.autoJoin) return refused(refuse.notAMemberViaSso());
  return {
    result: 'joins',
    organizationId,
    userName: email,
    role: 'member',
    source: connection.jitEnabled ? 'sso' : 'domain',
    managedBy: 'sso',
    seats: automaticSeats,
  };
}

/** The invitation must be live, the Account's verified email the invited address, its domain not SSO-only, and the person not a member yet. */
async function decideInvitation(tx: Tx, { invitation, account }: InvitationIdentity): Promise<Joins | Refused> {
  if (!invitation) return refused(refuse.invitationNotFound());
  if (invitation.status === 'accepted') return refused(refuse.invitationUsed());
  if (invitation.status === 'revoked') return refused(refuse.invitationRevoked());
  if (invitation.expired) return refused(refuse.invitationExpired(invitation.expiresAt));
  if (!account?.emailVerifiedAt) return refused(refuse.emailNotVerified());
  if (account.email.toLowerCase() !== invitation.email.toLowerCase()) return refused(refuse.invitationEmailMismatch());
  const ssoOnly = await ssoRequiredFor(tx, invitation.email);
  if (ssoOnly) return refused(ssoOnly);
  const organizationId = invitation.organizationId;
  if ((await findMemberOfAccount(tx, organizationId, account.id)) || (await findMemberByUserName(tx, organizationId, invitation.email))) {
    return refused(refuse.alreadyJoined());
  }
  return { result: 'joins', organizationId, userName: invitation.email, role: invitation.role, source: 'invitation', seats: invitation.seats };
}

/**
 * The IdP holding one of the Organization's SCIM tokens speaks for the Organization: whoever it
 * provisions joins, on any email domain (IdPs provision contractors and guests too), as the role
 * it names (default Member) with the seats it names, managed by SCIM from then on. Nothing is
 * read: a userName already taken is refused by the write (the unique index), so a create stays
 * one statement.
 */
function decideProvisioned({ organizationId, userName, role, seats }: ProvisionedIdentity): Joins {
  return { result: 'joins', organizationId, userName, role: role ?? 'member', source: 'scim', managedBy: 'scim', seats: seats ?? [] };
}
