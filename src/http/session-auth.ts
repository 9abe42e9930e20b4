import type { Request, RequestHandler, Response } from 'express';
import type { Knex } from 'knex';
import { UnauthenticatedError, ForbiddenError } from '../errors.js';
import type { OrganizationRole } from '../org/organizations/types.js';
import { checkSession } from '../org/credentials/sessions.service.js';
import type { SessionTokens } from './session-tokens.js';

/** Who is calling, as every session-authenticated route sees it. */
export interface SessionCaller {
  sessionId: string;
  accountId: string;
  email: string;
  organizationId: string | null;
  memberId: string | null;
  /** The member's role now (read on this request), so a demotion counts at once. */
  role: OrganizationRole | null;
  /** When the session itself ends, whatever its tokens say. */
  sessionExpiresAt: Date;
  /** Whether the token came from the cookie (and so needs the cross-site check on unsafe methods). */
  viaCookie: boolean;
}

const sessionCookieName = 'roster_session';

export interface CookieSettings {
  secure: boolean;
  tokenTtlMs: number;
  /** The origin browsers send in `Origin` for Roster's own pages (PUBLIC_URL's). */
  origin: string;
}

export function cookieSettingsFor(publicUrl: string, tokenTtlMs: number): CookieSettings {
  const url = new URL(publicUrl);
  return { secure: url.protocol === 'https:', tokenTtlMs, origin: url.origin };
}

/**
 * Secure when PUBLIC_URL is https, or when this request came over https: directly, or through
 * a proxy TRUST_PROXY trusts (its X-Forwarded-Proto; express's `req.secure`).
 */
function secureAttribute(res: Response, settings: CookieSettings): string {
  return settings.secure || res.req.secure ? '; Secure' : '';
}

export function setSessionCookie(res: Response, token: string, expiresAt: Date, settings: CookieSettings): void {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  res.append('Set-Cookie', `${sessionCookieName}=${token}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secureAttribute(res, settings)}`);
}

export function clearSessionCookie(res: Response, settings: CookieSettings): void {
  res.append('Set-Cookie', `${sessionCookieName}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secureAttribute(res, settings)}`);
}

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

const bearer = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i;
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Requires a live session: a session token as `Authorization: Bearer` or in the
 * session cookie, then the session row and the member checked now. Cookie
 * requests that change something must come from Roster's own origin (the
 * cross-site check, beside SameSite). A cookie past half its token's life is
 * renewed on the way out.
 */
export function requireSession(db: Knex, tokens: SessionTokens, settings: CookieSettings): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization;
    const fromHeader = header ? bearer.exec(header)?.[1] : undefined;
    const fromCookie = fromHeader ? undefined : cookieValue(req, sessionCookieName);
    const token = fromHeader ?? fromCookie;
    if (!token) {
      next(new UnauthenticatedError('not_signed_in', 'Sign in first: a session token is required'));
      return;
    }
    if (fromCookie && !safeMethods.has(req.method) && !sameOrigin(req, settings.origin)) {
      next(new ForbiddenError('cross_site_request', 'This request did not come from Roster’s own pages'));
      return;
    }
    authenticate(db, tokens, settings, token, Boolean(fromCookie), res).then(() => next(), next);
  };
}

async function authenticate(db: Knex, tokens: SessionTokens, settings: CookieSettings, token: string, viaCookie: boolean, res: Response): Promise<void> {
  const claims = await tokens.verify(token);
  if (!claims) throw new UnauthenticatedError('invalid_token', 'The session token is invalid or expired; sign in again');
  const session = await checkSession(db, claims.sessionId);
  if (session.accountId !== claims.accountId || session.organizationId !== claims.organizationId) {
    throw new UnauthenticatedError('invalid_token', 'The session token does not match its session');
  }
  res.locals.session = {
    sessionId: session.id,
    accountId: session.accountId,
    email: session.email,
    organizationId: session.organizationId,
    memberId: session.memberId,
    role: session.memberRole,
    sessionExpiresAt: session.expiresAt,
    viaCookie,
  } satisfies SessionCaller;
  if (viaCookie && Date.now() - claims.issuedAt.getTime() > settings.tokenTtlMs / 2) {
    const renewed = await tokens.issue(session);
    setSessionCookie(res, renewed.token, renewed.expiresAt, settings);
  }
}

/** The Origin (else Referer) header names Roster's own origin. */
function sameOrigin(req: Request, origin: string): boolean {
  const claimed = req.headers.origin ?? refererOrigin(req.headers.referer);
  return claimed === origin;
}

/** A browser sent this request from another site (its Origin says so); clients without Origin are not browsers. */
export function crossSite(req: Request, origin: string): boolean {
  const claimed = req.headers.origin;
  return claimed !== undefined && claimed !== origin;
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

export function sessionCallerOf(locals: Record<string, unknown>): SessionCaller {
  return locals.session as SessionCaller;
}
