import express, { Router } from 'express';
import type { Knex } from 'knex';
import type { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import { clientAddress, rateLimited } from '../http/rate-limit.js';
import { refuseUnstorableText } from '../http/unstorable-text.js';
import { parseInput } from '../http/validate.js';
import { requireSession, sessionCallerOf, setSessionCookie, type CookieSettings } from '../http/session-auth.js';
import { previewInvitation } from '../org/invitations/invitation-preview.service.js';
import { invitationAcceptRequest, invitationPreviewRequest, type invitationAcceptedSchema, type invitationPreviewSchema } from './auth.openapi.js';
import type { SessionTokens } from '../http/session-tokens.js';
import { joinByInvitation } from './sign-in.service.js';

export interface InvitationAcceptOptions {
  /** Accept (and preview) requests per client address per minute (0: off), as for sign-in. */
  signInRateLimit: number;
  publicUrl: string;
  db: Knex;
  tokens: SessionTokens;
  cookies: CookieSettings;
  sessionMaxAgeMs: number;
}

/**
 * `POST /auth/invitations/preview {token}`: what the console's join page
 * (`{PUBLIC_URL}/join/<token>`, the link in the mail) shows before anyone signs in.
 * `POST /auth/invitations/accept {token}`: what it calls once the invitee is
 * signed in — with any session, also one in no Organization, since they are not
 * in this one yet. The answer carries a new session token for the Organization
 * joined (and, for a cookie session, the new cookie), like `/auth/email/verify`.
 * Described in auth.openapi.ts.
 */
export function invitationAcceptRoutes({ db, tokens, cookies, sessionMaxAgeMs, signInRateLimit, publicUrl }: InvitationAcceptOptions): Router {
  const router = Router();
  router.use(express.json({ limit: '16kb' }), refuseUnstorableText());
  router.post(
    '/preview',
    rateLimited(db, { name: 'invitations:preview', keyOf: clientAddress, limit: signInRateLimit, windowSeconds: 60 }),
    async (req, res) => {
      const { token } = parseInput(invitationPreviewRequest, req.body);
      const preview = await inTransaction(db, (tx) => previewInvitation(tx, token));
      res.json({
        organization: { id: preview.organizationId, name: preview.organizationName },
        email: preview.email,
        role: preview.role,
        seats: preview.seats,
        status: preview.status,
        expiresAt: preview.expiresAt.toISOString(),
        ssoRequired: preview.ssoRequired && { domain: preview.ssoRequired.domain, loginUrl: `${publicUrl}/sso/${preview.ssoRequired.organizationId}/login` },
      } satisfies z.infer<typeof invitationPreviewSchema>);
    },
  );
  router.post(
    '/accept',
    rateLimited(db, { name: 'invitations:accept', keyOf: clientAddress, limit: signInRateLimit, windowSeconds: 60 }),
    requireSession(db, tokens, cookies),
    async (req, res) => {
      const caller = sessionCallerOf(res.locals);
      const { token } = parseInput(invitationAcceptRequest, req.body);
      const joined = await inTransaction(db, (tx) => joinByInvitation(tx, token, caller.accountId, sessionMaxAgeMs));
      const issued = await tokens.issue(joined.session);
      if (caller.viaCookie) setSessionCookie(res, issued.token, issued.expiresAt, cookies);
      res.status(200).json({
        token: issued.token,
        expiresAt: issued.expiresAt.toISOString(),
        organizationId: joined.member.organizationId,
        memberId: joined.member.id,
        role: joined.member.role,
        seats: joined.invitation.seats.filter((product) => !joined.seatsUnavailable.includes(product)),
        seatsUnavailable: joined.seatsUnavailable,
      } satisfies z.infer<typeof invitationAcceptedSchema>);
    },
  );
  return router;
}
