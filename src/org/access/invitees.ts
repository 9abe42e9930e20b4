import type { Tx } from '../../db/transaction.js';
import { emailDomain } from '../domains/domain-names.js';
import { selectEmailsOfMembers, selectPendingInvitationEmails } from '../invitations/invitations.repo.js';
import { refuse, type AdmissionRefusal } from './refusals.js';
import { ssoRequiredFor } from './sso-enforcement.js';

/** Addresses an Admin wants to invite (or, `resending`, invite again): the checks an invitation must pass to be sent. */
export interface InviteesIdentity {
  kind: 'invitees';
  organizationId: string;
  emails: string[];
  resending?: boolean;
}

/** Why one address may not be invited; an address can have several reasons. */
export interface InviteeRefusal {
  email: string;
  refusal: AdmissionRefusal<'sso_required' | 'already_member' | 'already_invited'>;
}

/**
 * An address may be invited unless its domain signs in only through SSO (one
 * check per domain: enforcement is a property of the domain), it belongs to a
 * member already, or (unless resending) it has a pending invitation. Every
 * reason that applies, in the order the checks run.
 */
export async function decideInvitees(tx: Tx, { organizationId, emails, resending }: InviteesIdentity): Promise<InviteeRefusal[]> {
  const refusals: InviteeRefusal[] = [];
  const byDomain = new Map<string, string[]>();
  for (const email of emails) {
    const domain = emailDomain(email) ?? email;
    byDomain.set(domain, [...(byDomain.get(domain) ?? []), email]);
  }
  for (const addresses of byDomain.values()) {
    const ssoOnly = await ssoRequiredFor(tx, addresses[0]!);
    if (ssoOnly) refusals.push(...addresses.map((email) => ({ email, refusal: ssoOnly })));
  }
  for (const email of await selectEmailsOfMembers(tx, organizationId, emails)) {
    refusals.push({ email, refusal: refuse.alreadyMember([email], `${email} is already a member of the Organization`) });
  }
  if (resending) return refusals;
  for (const email of await selectPendingInvitationEmails(tx, organizationId, emails)) {
    refusals.push({ email, refusal: refuse.alreadyInvited([email], `${email} has a pending invitation already; resend or revoke it`) });
  }
  return refusals;
}

/**
 * The one refusal of a request that invites all its addresses or none: SSO
 * enforcement first, then the addresses that are members, then those invited.
 */
export function refusalOfRequest(refusals: InviteeRefusal[]): AdmissionRefusal | undefined {
  const sso = refusals.find(({ refusal }) => refusal.code === 'sso_required');
  if (sso) return sso.refusal;
  const members = refusals.filter(({ refusal }) => refusal.code === 'already_member').map(({ email }) => email);
  if (members.length > 0) return refuse.alreadyMember(members, `${list(members)} ${members.length === 1 ? 'is' : 'are'} already a member of the Organization`);
  const invited = refusals.filter(({ refusal }) => refusal.code === 'already_invited').map(({ email }) => email);
  if (invited.length > 0)
    return refuse.alreadyInvited(invited, `${list(invited)} ${invited.length === 1 ? 'has' : 'have'} a pending invitation already; resend or revoke it`);
  return undefined;
}

function list(emails: string[]): string {
  return emails.length <= 3 ? emails.join(', ') : `${emails.slice(0, 3).join(', ')} and ${emails.length - 3} more`;
}
