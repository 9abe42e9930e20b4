import express, { Router, type Request } from 'express';
import type { Knex } from 'knex';
import type { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import { DomainError, ForbiddenError, InvalidInputError } from '../errors.js';
import { discoverSso } from '../org/sso-connections/sso-discovery.service.js';
import { clientAddress, rateLimited, type RateLimit } from '../http/rate-limit.js';
import { refuseUnstorableText } from '../http/unstorable-text.js';
import { parseInput } from '../http/validate.js';
import { clearSessionCookie, crossSite, requireSession, sessionCallerOf, setSessionCookie, type CookieSettings } from '../http/session-auth.js';
import {
  currentSessionSchema,
  emailSignInRequest,
  refreshedTokenSchema,
  signInLinkToken,
  signInRequestedSchema,
  ssoDiscoveryRequest,
  type ssoDiscoverySchema,
} from './auth.openapi.js';
import type { SessionTokens } from '../http/session-tokens.js';
import { safeRelayState } from './relay-state.js';
import { endSession } from '../org/credentials/sessions.service.js';
import { answerSignIn } from './sign-in-answer.js';
import { completeEmailSignIn, requestEmailSignIn, signInLinkState, signInLinkValidSeconds } from './sign-in.service.js';

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

/** A `next` the caller gave must be one of Roster's own paths: refused otherwise, never silently changed. */
function ownPath(next: string | undefined): string | undefined {
  if (next !== undefined && safeRelayState(next) !== next)
    throw new InvalidInputError('invalid_next', 'next must be one of Roster’s own paths, such as /join/…', { field: 'next' });
  return next;
}

/** The sign-in page, saying why a browser's sign-in failed (`error`), and keeping where it was going. */
function signInPage(code: string, next: string | undefined): string {
  const query = new URLSearchParams({ error: code });
  if (next && next !== '/') query.set('next', next);
  return `/sign-in?${query.toString()}`;
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
    const next = ownPath(body.next);
    await inTransaction(db, (tx) => requestEmailSignIn(tx, { email: body.email, organizationId: body.organizationId, publicUrl, next }));
    res.status(202).json({ status: 'sent', expiresInSeconds: signInLinkValidSeconds } satisfies z.infer<typeof signInRequestedSchema>);
  });

  // Home realm discovery for the sign-in page: its own limit, so looking up does not spend sign-ins.
  const discoveries: RateLimit = { ...perClient, name: 'sso-discover:client' };
  router.post('/sso/discover', rateLimited(db, discoveries), async (req, res) => {
    const { email } = parseInput(ssoDiscoveryRequest, req.body);
    const found = await inTransaction(db, (tx) => discoverSso(tx, email));
    res.json({
      sso: found !== undefined,
      enforced: found?.enforced ?? false,
      loginUrl: found ? `${publicUrl}/sso/${found.organizationId}/login` : null,
    } satisfies z.infer<typeof ssoDiscoverySchema>);
  });

  // A GET must not use the link up when a mail scanner fetches it: browsers get a
  // page whose button POSTs the token; API clients (Accept: application/json) sign in at once.
  router.get('/email/verify', rateLimited(db, perClient), async (req, res) => {
    const { token, next } = parseInput(signInLinkToken, { token: req.query.token, next: req.query.next }, 'query');
    if (wantsJson(req)) {
      await answerSignIn(req, res, tokens, cookies, (await inTransaction(db, (tx) => completeEmailSignIn(tx, token, sessionMaxAgeMs))).session, '/');
      return;
    }
    // A link that can no longer be used says so on the sign-in page, before any button.
    const state = await inTransaction(db, (tx) => signInLinkState(tx, token));
    if (state !== 'usable') {
      res.redirect(303, signInPage(linkFailure[state], safeRelayState(next)));
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
      .send(confirmPage(token, safeRelayState(next)));
  });

  router.post('/email/verify', rateLimited(db, perClient), async (req, res) => {
    // Login CSRF: another site must not sign a visitor's browser in to its own account.
    if (crossSite(req, cookies.origin)) throw new ForbiddenError('cross_site_request', 'This request did not come from Roster’s own pages');
    const { token, next } = parseInput(signInLinkToken, req.body);
    const returnTo = safeRelayState(next);
    let signedIn;
    try {
      signedIn = await inTransaction(db, (tx) => completeEmailSignIn(tx, token, sessionMaxAgeMs));
    } catch (error) {
      // A browser lands on the sign-in page with the reason in words, not on a JSON error.
      if (wantsJson(req) || !(error instanceof DomainError)) throw error;
      const code = error.code === 'link_invalid' ? linkFailure[await inTransaction(db, (tx) => signInLinkState(tx, token))] : error.code;
      res.redirect(303, signInPage(code, returnTo));
      return;
    }
    await answerSignIn(req, res, tokens, cookies, signedIn.session, returnTo);
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
    const { token, expiresAt } = await tokens.issue({
      id: caller.sessionId,
      accountId: caller.accountId,
      organizationId: caller.organizationId,
      expiresAt: caller.sessionExpiresAt,
    });
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

/** The sign-in page's `error` for a link that cannot be used (a link still usable failed for another reason). */
const linkFailure = { used: 'link_used', expired: 'link_expired', unknown: 'link_invalid', usable: 'link_invalid' } as const;

function confirmPage(token: string, next: string): string {
  const nextField = next === '/' ? '' : `<input type="hidden" name="next" value="${escapeHtml(next)}">`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in to Roster</title></head>
<body><main><h1>Sign in to Roster</h1><form method="post" action="/auth/email/verify"><input type="hidden" name="token" value="${escapeHtml(token)}">${nextField}
<button type="submit">Sign in to Roster</button></form></main></body></html>`;
}
