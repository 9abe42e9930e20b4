import express, { Router } from 'express';
import type { Knex } from 'knex';
import type { TxtLookup } from '../dns/txt-resolver.js';
import { requireSession, type CookieSettings } from '../sso/session-auth.js';
import type { SessionTokens } from '../sso/session-tokens.js';
import { requireOrganization } from './access.js';
import { domainsRoutes } from './domains.routes.js';
import { ssoRoutes } from './sso.routes.js';

export interface ApiDependencies {
  db: Knex;
  publicUrl: string;
  tokens: SessionTokens;
  cookies: CookieSettings;
  lookupTxt: TxtLookup;
}

/**
 * `/api/v1`: what an Organization's admin console calls, with a session
 * (cookie or bearer) in that Organization and authorised by the caller's role
 * now. JSON in and out; errors are `{"error":{"code","message","details"?}}`.
 */
export function apiRouter({ db, publicUrl, tokens, cookies, lookupTxt }: ApiDependencies): Router {
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  router.use(requireSession(db, tokens, cookies), requireOrganization);
  router.use('/domains', domainsRoutes(db, lookupTxt));
  router.use('/sso', ssoRoutes(db, publicUrl));
  return router;
}
