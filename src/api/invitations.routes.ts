import type { Knex } from 'knex';
import { z } from 'zod';
import { rateLimited } from '../http/rate-limit.js';
import { sessionCallerOf } from '../http/session-auth.js';
import { inTransaction } from '../db/transaction.js';
import { inviteEach, refusalReasons, type AddressOutcome } from '../org/invitations/invitation-batch.service.js';
import { inviteMembers, listPendingInvitations, maxInvitationsAtOnce, resendInvitation, revokeInvitation } from '../org/invitations/invitations.service.js';
import { organizationRoles } from '../org/organizations/types.js';
import type { Invitation } from '../org/invitations/types.js';
import { pageAnswer, pageQuery, pageSchema, textSearchOf } from './pagination.js';
import { defineRoute, type ApiRoute } from './registry.js';

const role = z.enum(organizationRoles);

const invitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role,
    seats: z.array(z.string()),
    /** `expired`: still pending but past `expiresAt`; resend it to renew it. */
    status: z.enum(['pending', 'expired', 'accepted', 'revoked']),
    expiresAt: z.string(),
    invitedByMemberId: z.string().nullable(),
    acceptedMemberId: z.string().nullable(),
    createdAt: z.string(),
    /** When it was last sent (or ended). */
    updatedAt: z.string(),
  })
  .meta({ id: 'Invitation' });

function presentInvitation(invitation: Invitation): z.infer<typeof invitationSchema> {
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    seats: invitation.seats,
    status: invitation.expired ? 'expired' : invitation.status,
    expiresAt: invitation.expiresAt.toISOString(),
    invitedByMemberId: invitation.invitedByMemberId,
    acceptedMemberId: invitation.acceptedMemberId,
    createdAt: invitation.createdAt.toISOString(),
    updatedAt: invitation.updatedAt.toISOString(),
  };
}

const listQuery = z
  .object({
    /** Addresses containing it, case-insensitively. */
    q: z.string().max(320).optional(),
    role: role.optional(),
    ...pageQuery.shape,
  })
  .strict();

const inviteBody = z
  .object({
    emails: z.array(z.string().max(320)).min(1).max(maxInvitationsAtOnce),
    role,
    seats: z.array(z.string().max(40)).max(20).optional(),
  })
  .strict();

/** Like `inviteBody`, but an address too long to be one is answered as invalid, like any other unusable address. */
const inviteEachBody = inviteBody.extend({ emails: z.array(z.string().max(1000)).min(1).max(maxInvitationsAtOnce) }).strict();

const addressOutcomeSchema = z
  .discriminatedUnion('result', [
    z.object({ email: z.string(), result: z.literal('invited'), invitation: invitationSchema }),
    /** Not invited, and why: `message` says it in words, naming the address. */
    z.object({ email: z.string(), result: z.enum(refusalReasons), message: z.string() }),
  ])
  .meta({ id: 'InvitationOutcome' });

function presentOutcome(outcome: AddressOutcome): z.infer<typeof addressOutcomeSchema> {
  return outcome.result === 'invited' ? { email: outcome.email, result: 'invited', invitation: presentInvitation(outcome.invitation) } : outcome;
}

const admin = ['admin'] as const;
const tag = 'Invitations';

/**
 * `/invitations`: the Organization's Invited Users. An Admin invites addresses
 * (each gets a mail with a join link good for 7 days), resends and revokes. The
 * invitee accepts at `POST /auth/invitations/accept`, outside `/api/v1`, since they
 * are not in the Organization yet.
 */
export function invitationRoutes(db: Knex, publicUrl: string, requestsPerHour: number): ApiRoute[] {
  // Invitations send mail: each Organization may send so many requests an hour, counted for every instance.
  const perOrganization = rateLimited(db, {
    name: 'invitations:organization',
    keyOf: (req) => sessionCallerOf(req.res!.locals).organizationId ?? undefined,
    limit: requestsPerHour,
    windowSeconds: 3600,
  });
  return [
    defineRoute({
      method: 'get',
      path: '/invitations',
      operationId: 'listInvitations',
      summary: 'List pending and expired invitations, a page at a time',
      tag,
      roles: admin,
      query: listQuery,
      response: { status: 200, schema: pageSchema('invitations', invitationSchema) },
      handle: async ({ caller, query }) =>
        pageAnswer('invitations', await inTransaction(db, (tx) => listPendingInvitations(tx, caller.organizationId, textSearchOf(query))), presentInvitation),
    }),
    defineRoute({
      method: 'post',
      path: '/invitations',
      operationId: 'inviteMembers',
      summary: 'Invite 1 to 100 addresses with one role and seats; each gets a join link by mail',
      tag,
      roles: admin,
      body: inviteBody,
      before: [perOrganization],
      errors: [429],
      response: { status: 201, schema: z.object({ invitations: z.array(invitationSchema) }) },
      handle: async ({ caller, body }) => ({
        invitations: (await inTransaction(db, (tx) => inviteMembers(tx, caller.actor, caller.organizationId, body, { publicUrl }))).map(presentInvitation),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/invitations/batch',
      operationId: 'inviteMembersBatch',
      summary: 'Invite each acceptable one of 1 to 100 addresses with one role and seats; answers what became of every address',
      tag,
      roles: admin,
      body: inviteEachBody,
      before: [perOrganization],
      errors: [429],
      response: { status: 200, schema: z.object({ results: z.array(addressOutcomeSchema) }) },
      handle: async ({ caller, body }) => ({
        results: (await inTransaction(db, (tx) => inviteEach(tx, caller.actor, caller.organizationId, body, { publicUrl }))).map(presentOutcome),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/invitations/{id}/resend',
      operationId: 'resendInvitation',
      summary: 'Mail a new link, good for 7 days; the previous link stops working',
      tag,
      roles: admin,
      before: [perOrganization],
      errors: [429],
      response: { status: 200, schema: invitationSchema },
      handle: async ({ caller, params }) =>
        presentInvitation(await inTransaction(db, (tx) => resendInvitation(tx, caller.actor, caller.organizationId, params.id!, { publicUrl }))),
    }),
    defineRoute({
      method: 'delete',
      path: '/invitations/{id}',
      operationId: 'revokeInvitation',
      summary: 'Revoke an invitation: its link stops working',
      tag,
      roles: admin,
      response: { status: 204, schema: null },
      handle: async ({ caller, params }) => {
        await inTransaction(db, (tx) => revokeInvitation(tx, caller.actor, caller.organizationId, params.id!));
      },
    }),
  ];
}
