import { randomBytes } from 'node:crypto';
import { isId, newId } from '../../db/ids.js';
import type { Tx } from '../../db/transaction.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.js';
import { invitationJoinUrl } from '../../mail/links.js';
import { invitationMail } from '../../mail/messages.js';
import { queueMail } from '../../mail/outbox.js';
import { selectAccount } from '../members/accounts.repo.js';
import { admitted, decideAdmission } from '../access/admission.js';
import { refusalOfRequest } from '../access/invitees.js';
import { recordEvent, recordEvents } from '../audit/audit.service.js';
import {
  insertInvitations,
  lockInvitation,
  lockInvitationByTokenHash,
  markInvitationDone,
  replaceInvitationToken,
  selectInvitation,
  selectPendingInvitations,
} from './invitations.repo.js';
import { addMember } from '../members/members.service.js';
import { selectOrganization } from '../organizations/organizations.repo.js';
import { pageOf, type Page } from '../lists/page.js';
import { listSeatPools, partitionByFreeSeat } from '../seats/seats.service.js';
import { hashSecret } from '../credentials/secrets.js';
import type { Actor, Organization, OrganizationRole } from '../organizations/types.js';
import type { Invitation } from './types.js';
import type { Member } from '../members/types.js';
import { requireEmail, requireOrganizationRole, requireProduct } from '../organizations/validation.js';

/**
 * Invitations: an Admin offers people, by email address, to join with one role and
 * seats. Each invitee gets a mail with a link that works for 7 days; resending makes
 * a new link (the old one dies) good for 7 days from then; revoking kills the link.
 * The person accepts signed in with an Account whose verified email is the invited
 * address, and becomes a new member: the invited role, and each invited seat that
 * is free then. Someone removed earlier comes back as a fresh member: nothing of the
 * old membership carries over (it was deleted with its seats, Workspaces and groups).
 *
 * Audit: `invitation.created` (one per address), `invitation.resent`,
 * `invitation.revoked`, `invitation.accepted`, and the new member's `member.created`.
 */

export const invitationValidSeconds = 7 * 24 * 60 * 60;
export const maxInvitationsAtOnce = 100;

function newInvitationToken(): string {
  return `roster_invite_${randomBytes(32).toString('base64url')}`;
}

export interface InvitationRequest {
  emails: string[];
  role: OrganizationRole;
  /** Products whose seat each invitee takes on joining, if one is free then. */
  seats?: string[];
}

/** Where links in invitation mail point. */
export interface InvitationLinks {
  publicUrl: string;
}

/**
 * Invites every address at once, all or nothing: one refused address (a member
 * already, invited already, or on a domain that enforces SSO) refuses the request.
 */
export async function inviteMembers(tx: Tx, actor: Actor, organizationId: string, request: InvitationRequest, links: InvitationLinks): Promise<Invitation[]> {
  const emails = requireInvitedEmails(request.emails);
  const { organization, role, seats } = await requireInvitationTerms(tx, organizationId, request);
  const refusal = refusalOfRequest(await decideAdmission(tx, { kind: 'invitees', organizationId, emails }));
  if (refusal) throw refusal;

  return sendInvitations(tx, actor, { organization, role, seats }, emails, links, insertInvitations);
}

/** What every address of one request is offered: the Organization, one role and the seats (products with a pool). */
export interface InvitationTerms {
  organization: Organization;
  role: OrganizationRole;
  seats: string[];
}

/** The request's role and seats, checked: a bad role or a product without a pool refuses the whole request. */
export async function requireInvitationTerms(tx: Tx, organizationId: string, request: Omit<InvitationRequest, 'emails'>): Promise<InvitationTerms> {
  const role = requireOrganizationRole(request.role);
  const seats = [...new Set((request.seats ?? []).map(requireProduct))].sort();
  const organization = await requireOrganization(tx, organizationId);
  const pools = new Set((await listSeatPools(tx, organizationId)).map((pool) => pool.product));
  const unknown = seats.filter((product) => !pools.has(product));
  if (unknown.length > 0) {
    throw new InvalidInputError('unknown_product', `The Organization has no seat pool for ${unknown.map((product) => `"${product}"`).join(', ')}`, {
      products: unknown,
    });
  }
  return { organization, role, seats };
}

type InsertInvitations = typeof insertInvitations;

/**
 * Writes the invitations with `insert`, then each one's mail and `invitation.created`
 * event, all in `tx`: an invitation never exists without its mail and its event.
 */
export async function sendInvitations(
  tx: Tx,
  actor: Actor,
  terms: InvitationTerms,
  emails: string[],
  links: InvitationLinks,
  insert: InsertInvitations,
): Promise<Invitation[]> {
  const { organization, role, seats } = terms;
  const tokens = new Map(emails.map((email) => [email.toLowerCase(), newInvitationToken()]));
  const invitations = await insert(
    tx,
    emails.map((email) => ({
      id: newId(),
      organizationId: organization.id,
      email,
      role,
      seats,
      tokenHash: hashSecret(tokens.get(email.toLowerCase())!),
      invitedByMemberId: actor.type === 'member' && isId(actor.id) ? actor.id : null,
    })),
    invitationValidSeconds,
  );
  for (const invitation of invitations) await mailInvitation(tx, organization, invitation, tokens.get(invitation.email.toLowerCase())!, links);
  await recordEvents(
    tx,
    organization.id,
    actor,
    invitations.map((invitation) => ({
      action: 'invitation.created',
      target: { type: 'invitation', id: invitation.id },
      data: { email: invitation.email, role, seats },
    })),
  );
  return invitations;
}

export interface InvitationListQuery {
  /** Addresses containing it, case-insensitively. */
  text?: string;
  role?: OrganizationRole;
  /** Only invitations after this one (the list is in creation order). */
  afterId?: string;
  limit: number;
}

/** The Organization's "Invited Users": pending invitations, live and expired, in id order (time-ordered ids: creation order, to the millisecond), a page at a time. */
export async function listPendingInvitations(tx: Tx, organizationId: string, query: InvitationListQuery): Promise<Page<Invitation>> {
  if (!isId(organizationId) || (query.afterId !== undefined && !isId(query.afterId))) return { items: [], next: null };
  const rows = await selectPendingInvitations(tx, organizationId, {
    ...(query.text ? { text: query.text } : {}),
    ...(query.role ? { role: requireOrganizationRole(query.role) } : {}),
    ...(query.afterId ? { afterId: query.afterId } : {}),
    limit: query.limit + 1,
  });
  return pageOf(rows, query.limit, (invitation) => [invitation.id]);
}

export async function getInvitation(tx: Tx, organizationId: string, invitationId: string): Promise<Invitation> {
  const invitation = isId(organizationId) && isId(invitationId) ? await selectInvitation(tx, organizationId, invitationId) : undefined;
  if (!invitation) throw new NotFoundError('invitation', invitationId);
  return invitation;
}

/** Sends a new link, good for 7 days from now; the previous link stops working. Also renews an expired invitation. */
export async function resendInvitation(tx: Tx, actor: Actor, organizationId: string, invitationId: string, links: InvitationLinks): Promise<Invitation> {
  const invitation = await lockPendingInvitation(tx, organizationId, invitationId, 'resend');
  // The address is invited already: by this very invitation.
  const refusal = refusalOfRequest(await decideAdmission(tx, { kind: 'invitees', organizationId, emails: [invitation.email], resending: true }));
  if (refusal) throw refusal;
  const token = newInvitationToken();
  const resent = (await replaceInvitationToken(tx, organizationId, invitation.id, hashSecret(token), invitationValidSeconds))!;
  await mailInvitation(tx, await requireOrganization(tx, organizationId), resent, token, links);
  await recordEvent(tx, organizationId, actor, {
    action: 'invitation.resent',
    target: { type: 'invitation', id: invitation.id },
    data: { email: invitation.email, expiresAt: resent.expiresAt.toISOString() },
  });
  return resent;
}

/** Kills the invitation's link for good. */
export async function revokeInvitation(tx: Tx, actor: Actor, organizationId: string, invitationId: string): Promise<Invitation> {
  const invitation = await lockPendingInvitation(tx, organizationId, invitationId, 'revoke');
  const revoked = (await markInvitationDone(tx, organizationId, invitation.id, { status: 'revoked' }))!;
  await recordEvent(tx, organizationId, actor, {
    action: 'invitation.revoked',
    target: { type: 'invitation', id: invitation.id },
    data: { email: invitation.email },
  });
  return revoked;
}

export interface AcceptedInvitation {
  invitation: Invitation;
  member: Member;
  /** Invited seats that had no free seat (or no pool) when the invitee joined: not taken. */
  seatsUnavailable: string[];
}

/**
 * The holder of an invitation link joins, signed in as `accountId`: the Account's
 * verified email must be the invited address. The invitation is row-locked first, so
 * two accepts of one link make one member (the second finds it accepted).
 */
export async function acceptInvitation(tx: Tx, token: string, accountId: string): Promise<AcceptedInvitation> {
  const found = typeof token === 'string' && token.length > 0 && token.length <= 200 ? await lockInvitationByTokenHash(tx, hashSecret(token)) : undefined;
  const account = isId(accountId) ? await selectAccount(tx, accountId) : undefined;
  const joining = admitted(await decideAdmission(tx, { kind: 'invitation', invitation: found, account }));
  // Admitted: the invitation and the Account are there (admission refuses otherwise).
  const [invited, person, organizationId] = [found!, account!, joining.organizationId];

  const { free, unavailable } = await partitionByFreeSeat(tx, organizationId, joining.seats);
  const member = await addMember(tx, { type: 'system', id: 'invitation' }, organizationId, {
    profile: {
      userName: joining.userName,
      emails: [{ value: joining.userName, type: 'work', primary: true }],
      name: { givenName: person.givenName, familyName: person.familyName },
      ...(person.displayName ? { displayName: person.displayName } : {}),
    },
    role: joining.role,
    source: joining.source,
    accountId: person.id,
    seats: free,
  });
  const invitation = (await markInvitationDone(tx, organizationId, invited.id, { status: 'accepted', memberId: member.id }))!;
  await recordEvent(
    tx,
    organizationId,
    { type: 'member', id: member.id },
    {
      action: 'invitation.accepted',
      target: { type: 'invitation', id: invited.id },
      data: { memberId: member.id, accountId: person.id, role: joining.role, seats: free, seatsUnavailable: unavailable },
    },
  );
  return { invitation, member, seatsUnavailable: unavailable };
}

/** 1 to 100 addresses, each checked; the same address twice (in any letter case) counts once. */
function requireInvitedEmails(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > maxInvitationsAtOnce) {
    throw new InvalidInputError('invalid_value', `emails is a list of 1 to ${maxInvitationsAtOnce} addresses`, { field: 'emails' });
  }
  const byAddress = new Map<string, string>();
  value.forEach((email, index) => {
    const address = requireEmail(`emails[${index}]`, email);
    if (!byAddress.has(address.toLowerCase())) byAddress.set(address.toLowerCase(), address);
  });
  return [...byAddress.values()];
}

async function requireOrganization(tx: Tx, organizationId: string): Promise<Organization> {
  const organization = isId(organizationId) ? await selectOrganization(tx, organizationId) : undefined;
  if (!organization) throw new NotFoundError('organization', organizationId);
  return organization;
}

async function lockPendingInvitation(tx: Tx, organizationId: string, invitationId: string, action: string): Promise<Invitation> {
  const invitation = isId(organizationId) && isId(invitationId) ? await lockInvitation(tx, organizationId, invitationId) : undefined;
  if (!invitation) throw new NotFoundError('invitation', invitationId);
  if (invitation.status !== 'pending') {
    throw new ConflictError('invitation_not_pending', `This invitation was ${invitation.status}; there is nothing to ${action}`, { status: invitation.status });
  }
  return invitation;
}

function mailInvitation(tx: Tx, organization: Organization, invitation: Invitation, token: string, links: InvitationLinks): Promise<void> {
  return queueMail(tx, invitationMail(invitation, organization.name, invitationJoinUrl(links.publicUrl, token)));
}
