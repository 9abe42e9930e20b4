import type { Request, Response } from 'express';
import { setSessionCookie, type CookieSettings } from '../http/session-auth.js';
import type { SessionTokens } from '../http/session-tokens.js';
import type { Session } from '../org/credentials/sessions.service.js';

/**
 * The answer to a completed sign-in (email link, SAML): API clients asking for
 * JSON get the session token in the body; browsers get the cookie and a
 * redirect to `redirectTo` (one of Roster's own paths).
 */
export async function answerSignIn(
  req: Request,
  res: Response,
  tokens: SessionTokens,
  settings: CookieSettings,
  session: Session,
  redirectTo: string,
): Promise<void> {
  const { token, expiresAt } = await tokens.issue(session);
  if (req.accepts(['html', 'json']) === 'json') {
    res.status(200).json({ token, expiresAt: expiresAt.toISOString(), organizationId: session.organizationId, memberId: session.memberId });
    return;
  }
  setSessionCookie(res, token, expiresAt, settings);
  res.redirect(303, redirectTo);
}
