import type { Tx } from '../../db/transaction.js';
import { InvalidInputError } from '../../errors.js';
import { decideAdmission } from '../access/admission.js';
import { insertInvitationsUnlessPending } from './invitations.repo.js';
import { maxInvitationsAtOnce, requireInvitationTerms, sendInvitations, type InvitationLinks, type InvitationRequest } from './invitations.service.js';
import type { Actor } from '../organizations/types.js';
import type { Invitation } from './types.js';
import { requireEmail } from '../organizations/validation.js';

/**
 * Inviting address by address, as the console's Invite dialog does: every address
 * that may be invited is, and each of the others is answered with why not. The
 * request as a whole is refused only for what concerns every address alike (its
 * role, its seats, too many addresses). All the invitations, their mails and their
 * events are written in the caller's one transaction.
 */

/** Why an address was not invited. */
export const refusalReasons = ['invalid_email', 'already_member', 'already_invited', 'sso_required'] as const;
export type RefusalReason = (typeof refusalReasons)[number];

export type AddressOutcome = { email: string; result: 'invited'; invitation: Invitation } | { email: string; result: RefusalReason; message: string };

interface Refusal {
  result: RefusalReason;
  message: string;
}

/**
 * One outcome per address, in the order given; an address given twice (in any
 * letter case) is answered once, where it first appears.
 */
export async function inviteEach(tx: Tx, actor: Actor, organizationId: string, request: InvitationRequest, links: InvitationLinks): Promise<AddressOutcome[]> {
  if (!Array.isArray(request.emails) || request.emails.length === 0 || request.emails.length > maxInvitationsAtOnce) {
    throw new InvalidInputError('invalid_value', `emails is a list of 1 to ${maxInvitationsAtOnce} addresses`, { field: 'emails' });
  }
  const terms = await requireInvitationTerms(tx, organizationId, request);
  const refusals = new Map<string, Refusal>();
  const addresses = distinctAddresses(request.emails, refusals);
  const valid = addresses.filter((address) => !refusals.has(address.toLowerCase()));

  // Each address's last reason is its answer: a pending invitation outweighs membership, which outweighs SSO enforcement.
  for (const { email, refusal } of await decideAdmission(tx, { kind: 'invitees', organizationId, emails: valid })) {
    refusals.set(email.toLowerCase(), { result: refusal.code, message: refusal.code === 'sso_required' ? `${email}: ${refusal.message}` : refusal.message });
  }

  const wanted = valid.filter((address) => !refusals.has(address.toLowerCase()));
  const invited = new Map(
    (await sendInvitations(tx, actor, terms, wanted, links, insertInvitationsUnlessPending)).map((invitation) => [invitation.email.toLowerCase(), invitation]),
  );
  return addresses.map((email): AddressOutcome => {
    const invitation = invited.get(email.toLowerCase());
    if (invitation) return { email, result: 'invited', invitation };
    // Not refused before the insert, yet not inserted: a concurrent request invited the address first.
    return { email, ...(refusals.get(email.toLowerCase()) ?? alreadyInvited(email)) };
  });
}

/** The addresses as given, trimmed and once each; an unusable one is refused as `invalid_email`. */
function distinctAddresses(emails: unknown[], refusals: Map<string, Refusal>): string[] {
  const seen = new Map<string, string>();
  emails.forEach((given, index) => {
    const text = typeof given === 'string' ? given.trim() : String(given);
    if (seen.has(text.toLowerCase())) return;
    seen.set(text.toLowerCase(), text);
    try {
      requireEmail(`emails[${index}]`, given);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      refusals.set(text.toLowerCase(), {
        result: 'invalid_email',
        message: text === '' ? 'An empty entry is not an email address' : `${text} is not an email address`,
      });
    }
  });
  return [...seen.values()];
}

function alreadyInvited(email: string): Refusal {
  return { result: 'already_invited', message: `${email} has a pending invitation already; resend or revoke it` };
}
