import express, { Router, type Request } from 'express';
import type { Knex } from 'knex';
import type { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import { ForbiddenError } from '../errors.js';
import { clientAddress, rateLimited, type RateLimit } from '../http/rate-limit.js';
import { refuseUnstorableText } from '../http/unstorable-text.js';
import { parseInput } from '../http/validate.js';
import { answerSignIn, clearSessionCookie, crossSite, requireSession, sessionCallerOf, setSessionCookie, type CookieSettings } from './session-auth.js';
import { currentSessionSchema, emailSignInRequest, refreshedTokenSchema, signInLinkToken, signInRequestedSchema } from './auth.openapi.js';
import type { SessionTokens } from './session-tokens.js';
import { endSession } from './sessions.service.js';
import { completeEmailSignIn, requestEmailSignIn, signInLinkValidSeconds } from './sign-in.service.js';

export interface AuthRouteOptions {
  db: Knex;
  /** Sign-in requests per client address per minute and per email per 10 minutes (0: off). */
  signInRateLimit: number;
  tokens: SessionTokens;
  cookies: CookieSettings;
  publicUrl: string;
  sessionMaxAgeMs: number;
}

/** Clients that asked for JSON get the token in the body; browsers get the cookie and a redirect. */
function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

/** `/auth`: email sign-in, the session's own endpoints (described in auth.openapi.ts). */
export function authRoutes({ db, tokens, cookies, publicUrl, sessionMaxAgeMs, signInRateLimit }: AuthRouteOptions): Router {
  const router = Router();
  // Text PostgreSQL cannot store is refused before anything (a rate-limit key, say) reaches a query.
  router.use(express.json({ limit: '16kb' }), express.urlencoded({ extended: false, limit: '16kb' }), refuseUnstorableText());
  const session = requireSession(db, tokens, cookies);
  // Sign-in sends mail and lets people in: limited per client and per address asked about, across instances.
  const perClient: RateLimit = { name: 'sign-in:client', keyOf: clientAddress, limit: signInRateLimit, windowSeconds: 60 };
  const perEmail: RateLimit = {
    name: 'sign-in:email',
    keyOf: (req) => (typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase().slice(0, 320) : undefined),
    limit: signInRateLimit,
    windowSeconds: 600,
  };



  router.post('/email', rateLimited(db, perClient, perEmail), async (req, res) => {
    const body = parseInput(emailSignInRequest, req.body);
    await inTransaction(db, (tx) => requestEmailSignIn(tx, { email: body.email, organizationId: body.organizationId, publicUrl }));
    res.status(202).json({ status: 'sent', expiresInSeconds: signInLinkValidSeconds } satisfies z.infer<typeof signInRequestedSchema>);
  });

  // A GET must not use the link up when a mail scanner fetches it: browsers get a
  // page whose button POSTs the token; API clients (Accept: application/json) sign in at once.
  router.get('/email/verify', rateLimited(db, perClient), async (req, res) => {
    const { token } = parseInput(signInLinkToken, { token: req.query.token }, 'query');
    if (wantsJson(req)) {
      await answerSignIn(req, res, tokens, cookies, (await inTransaction(db, (tx) => completeEmailSignIn(tx, token, sessionMaxAgeMs))).session, '/');
      return;
    }
    res
      .status(200)
      .type('html')
      .setHeader('Content-Security-Policy', "default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
      .setHeader('X-Content-Type-Options', 'nosniff')
      // The token is in this page's query: no other site may see it in a Referer. `same-origin`, not
      // `no-referrer`: under that, browsers post the form with `Origin: null`, which the check refuses.
      .setHeader('Referrer-Policy', 'same-origin')
      .send(confirmPage(token));
  });

  router.post('/email/verify', rateLimited(db, perClient), async (req, res) => {
    // Login CSRF: another site must not sign a visitor's browser in to its own account.
    if (crossSite(req, cookies.origin)) throw new ForbiddenError('cross_site_request', 'This request did not come from Roster’s own pages');
    const { token } = parseInput(signInLinkToken, req.body);
    await answerSignIn(req, res, tokens, cookies, (await inTransaction(db, (tx) => completeEmailSignIn(tx, token, sessionMaxAgeMs))).session, '/');
  });

  router.get('/session', session, (_req, res) => {
    const caller = sessionCallerOf(res.locals);
    res.json({
      account: { id: caller.accountId, email: caller.email },
      organizationId: caller.organizationId,
      member: caller.memberId ? { id: caller.memberId, role: caller.role } : null,
      sessionId: caller.sessionId,
    } satisfies z.infer<typeof currentSessionSchema>);
  });

  router.post('/refresh', session, async (_req, res) => {
    const caller = sessionCallerOf(res.locals);
    const { token, expiresAt } = await tokens.issue({ id: caller.sessionId, accountId: caller.accountId, organizationId: caller.organizationId, expiresAt: caller.sessionExpiresAt });
    if (caller.viaCookie) setSessionCookie(res, token, expiresAt, cookies);
    res.json({ token, expiresAt: expiresAt.toISOString() } satisfies z.infer<typeof refreshedTokenSchema>);
  });

  router.post('/logout', session, async (_req, res) => {
    const caller = sessionCallerOf(res.locals);
    await inTransaction(db, (tx) => endSession(tx, caller.sessionId));
    clearSessionCookie(res, cookies);
    res.status(204).end();
  });

  return router;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function confirmPage(token: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to Roster</title></head>
<body><form method="post" action="/auth/email/verify"><input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">Sign in to Roster</button></form></body></html>`;
}
