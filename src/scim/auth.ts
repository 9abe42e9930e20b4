import type { RequestHandler } from 'express';
import type { Knex } from 'knex';
import { authenticateScimToken, type ScimTokenCheck } from '../org/credentials/credentials.service.js';
import type { Actor } from '../org/organizations/types.js';
import { ScimError, sendScimError } from './errors.js';

/** What every SCIM route knows about its caller: the Organization the token belongs to, and the token as actor. */
export interface ScimCaller {
  organizationId: string;
  actor: Actor;
}

const bearer = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i;

/**
 * `Authorization: Bearer <SCIM token>` resolves the Organization (RFC 7644 §2).
 * A missing, malformed, revoked or unknown token gets 401 with a challenge;
 * a token over its per-minute limit gets 429 with Retry-After.
 */
export function scimAuthentication(db: Knex, check: ScimTokenCheck): RequestHandler {
  return (req, res, next) => {
    const match = bearer.exec(req.headers.authorization ?? '');
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="Roster SCIM"');
      sendScimError(res, new ScimError(401, undefined, 'A SCIM bearer token is required: Authorization: Bearer <token>'));
      return;
    }
    authenticateScimToken(db, match[1]!, check).then(
      (token) => {
        if (!token) {
          res.setHeader('WWW-Authenticate', 'Bearer realm="Roster SCIM", error="invalid_token"');
          sendScimError(res, new ScimError(401, undefined, 'The SCIM token is unknown or has been revoked'));
          return;
        }
        res.locals.scim = { organizationId: token.organizationId, actor: { type: 'scim_token', id: token.id } } satisfies ScimCaller;
        next();
      },
      (error: unknown) => sendScimError(res, error),
    );
  };
}

export function callerOf(locals: Record<string, unknown>): ScimCaller {
  return locals.scim as ScimCaller;
}
