import express, { Router } from 'express';
import type { Knex } from 'knex';
import type { TxtLookup } from '../dns/txt-resolver.js';
import type { OperationDescription } from '../http/openapi.js';
import { requireSession, type CookieSettings } from '../http/session-auth.js';
import type { SessionTokens } from '../http/session-tokens.js';
import { refuseUnstorableText } from '../http/unstorable-text.js';
import { requireOrganization } from './access.js';
import { auditRoutes } from './audit.routes.js';
import { domainRoutes } from './domains.routes.js';
import { groupRoutes } from './groups.routes.js';
import { apiKeyRoutes, apiKeyWhoami } from './keys.routes.js';
import { organizationRoutes } from './organization.routes.js';
import { invitationRoutes } from './invitations.routes.js';
import { memberRoutes } from './members.routes.js';
import { apiDocument, mountRoutes, type ApiRoute } from './registry.js';
import { scimTokenRoutes } from './scim-tokens.routes.js';
import { seatRoutes } from './seats.routes.js';
import { sessionRoutes } from './sessions.routes.js';
import { ssoRoutes, type SamlSettingsSupport } from './sso.routes.js';
import { workspaceRoutes } from './workspaces.routes.js';

export interface ApiDependencies {
  db: Knex;
  publicUrl: string;
  tokens: SessionTokens;
  cookies: CookieSettings;
  lookupTxt: TxtLookup;
  /** The SAML protocol's part in the SSO settings: IdP metadata (by value or URL), certificates, Roster's SP values. */
  saml: SamlSettingsSupport;
  /** Invitation requests (invite, resend) per Organization per hour (0: off). */
  invitationRateLimit: number;
  /** Check every answer against its declared schema (tests). */
  checkResponses?: boolean;
  /** Operations served elsewhere that the OpenAPI document describes too (`/auth`). */
  documentedOutside?: readonly OperationDescription[];
}

/** Every route of the admin API, declared once (see registry.ts). */
export function apiRoutes({
  db,
  publicUrl,
  lookupTxt,
  saml,
  invitationRateLimit,
}: Pick<ApiDependencies, 'db' | 'publicUrl' | 'lookupTxt' | 'saml' | 'invitationRateLimit'>): ApiRoute[] {
  return [
    ...domainRoutes(db, lookupTxt),
    ...ssoRoutes(db, publicUrl, saml),
    ...organizationRoutes(db),
    ...apiKeyRoutes(db),
    ...scimTokenRoutes(db, publicUrl),
    ...auditRoutes(db),
    ...seatRoutes(db),
    ...workspaceRoutes(db),
    ...groupRoutes(db),
    ...memberRoutes(db),
    ...invitationRoutes(db, publicUrl, invitationRateLimit),
    ...sessionRoutes(db),
  ];
}

/**
 * `/api/v1`: what an Organization's admin console calls, with a session
 * (cookie or bearer) in that Organization and authorised by the caller's role
 * now. JSON in and out; errors are `{"error":{"code","message","details"?}}`.
 * `GET /api/v1/openapi.json` describes it, generated from the same schemas.
 */
export function apiRouter(dependencies: ApiDependencies): Router {
  const { db, tokens, cookies, publicUrl } = dependencies;
  const routes = apiRoutes(dependencies);
  const document = apiDocument(routes, publicUrl, dependencies.documentedOutside ?? []);
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use(express.json({ limit: '1mb' }), refuseUnstorableText());
  // An API key answers `/whoami` only; every other route, and /whoami without a key, needs a session.
  router.get('/whoami', apiKeyWhoami(db));
  router.use(requireSession(db, tokens, cookies), requireOrganization);
  mountRoutes(router, routes, { checkResponses: dependencies.checkResponses ?? false });
  return router;
}
