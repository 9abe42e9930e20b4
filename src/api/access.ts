import type { RequestHandler } from 'express';
import { ForbiddenError } from '../errors.js';
import type { Actor, OrganizationRole } from '../org/organizations/types.js';
import { sessionCallerOf, type SessionCaller } from '../http/session-auth.js';

/** The caller of an `/api/v1` route: a session in an Organization, as a member with a role. */
export interface ApiCaller extends SessionCaller {
  organizationId: string;
  memberId: string;
  role: OrganizationRole;
  actor: Actor;
}

/** Every `/api/v1` route acts in the session's Organization; an Account-only session has none. */
export const requireOrganization: RequestHandler = (_req, res, next) => {
  const caller = sessionCallerOf(res.locals);
  if (!caller.organizationId || !caller.memberId || !caller.role) {
    next(new ForbiddenError('no_organization', 'This session is not in an Organization; sign in to one'));
    return;
  }
  next();
};

/** Only these roles (read on this request, so a demotion counts at once). */
export function requireRole(...roles: OrganizationRole[]): RequestHandler {
  return (_req, res, next) => {
    const caller = apiCallerOf(res.locals);
    if (!roles.includes(caller.role)) {
      next(new ForbiddenError('forbidden_role', `This needs the ${roles.join(' or ')} role in the Organization`, { role: caller.role }));
      return;
    }
    next();
  };
}

export function apiCallerOf(locals: Record<string, unknown>): ApiCaller {
  const caller = sessionCallerOf(locals);
  return { ...caller, organizationId: caller.organizationId!, memberId: caller.memberId!, role: caller.role!, actor: { type: 'member', id: caller.memberId! } };
}
