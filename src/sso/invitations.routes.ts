import express, { Router } from 'express';
import type { Knex } from 'knex';
import type { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import { clientAddress, rateLimited } from '../http/rate-limit.js';
import { refuseUnstorableText } from '../http/unstorable-text.js';
import { parseInput } from '../http/validate.js';
import { requireSession, sessionCallerOf, setSessionCookie, type CookieSettings } from './session-auth.js';
import { invitationAcceptRequest, type invitationAcceptedSchema } from './auth.openapi.js';
import type { SessionTokens } from './session-tokens.js';
import { joinByInvitation } from './sign-in.service.js';

export interface InvitationAcceptOptions {
  /** Accept requests per client address per minute (0: off), as for sign-in. */
  signInRateLimit: number;
  db: Knex;
  tokens: SessionTokens;
  cookies: CookieSettings;
  sessionMaxAgeMs: number;
}

/**
 * `POST /auth/invitations/accept {token}`: what the console's join page
 * (`{PUBLIC_URL}/join?token=…`, the link in the mail) calls once the invitee is
 * signed in — with any session, also one in no Organization, since they are not
 * in this one yet. The answer carries a new session token for the Organization
 * joined (and, for a cookie session, the new cookie), like `/auth/email/verify`.
 * Described in auth.openapi.ts.
 */
export function invitationAcceptRoutes({ db, tokens, cookies, sessionMaxAgeMs, signInRateLimit }: InvitationAcceptOptions): Router {
  const router = Router();
  router.use(express.json({ limit: '16kb' }), refuseUnstorableText());
  router.post('/accept', rateLimited(db, { name: 'invitations:accept', keyOf: clientAddress, limit: signInRateLimit, windowSeconds: 60 }), requireSession(db, tokens, cookies), async (req, res) => {
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
  });
  return router;
}
