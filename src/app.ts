import express, { type Express } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { consoleRoutes } from './http/console.js';
import { notFound, renderError } from './http/errors.js';
import { healthRoutes, type HealthState } from './http/health.js';
import { requestContext } from './http/request-context.js';
import { apiRouter } from './api/router.js';
import { createTxtLookup } from './dns/txt-resolver.js';
import { documentedOutsideApi } from './openapi-document.js';
import { scimRouter } from './scim/router.js';
import { authRoutes } from './sso/auth.routes.js';
import { invitationAcceptRoutes } from './sso/invitations.routes.js';
import { createMetadataFetcher, type MetadataFetcher } from './sso/saml/metadata-fetch.js';
import { samlSettingsSupport } from './sso/saml/settings-support.js';
import { samlRoutes } from './sso/saml.routes.js';
import { cookieSettingsFor } from './http/session-auth.js';
import { SessionTokens } from './http/session-tokens.js';

export interface AppDependencies {
  config: Config;
  knex: Knex;
  logger: Logger;
  health?: HealthState;
  /** Check every admin-API answer against its declared schema (tests). */
  checkApiResponses?: boolean;
  /**
   * How IdP metadata is fetched by URL. Only tests pass one (to reach a local https server);
   * there is deliberately no configuration for it, so production always refuses private hosts.
   */
  fetchMetadata?: MetadataFetcher;
}

/**
 * The HTTP application: middleware and routers, no listening. The SCIM
 * (`/scim/v2`), SSO (`/sso`, `/auth`) and admin (`/api/v1`) adapters mount here, then the
 * browser console (`/`, `/sign-in`, `/join/…`) on what is left.
 */
export function createApp({
  config,
  knex,
  logger,
  health = { shuttingDown: false },
  checkApiResponses = false,
  fetchMetadata = createMetadataFetcher(),
}: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  // Resources carry their own ETag (their version); hashing every other body is wasted work.
  app.set('etag', false);
  // Behind a reverse proxy the client's address and scheme come from X-Forwarded-For/-Proto, but
  // only from the proxies TRUST_PROXY names: anyone else could claim any address (and dodge the
  // per-client rate limits) with one header.
  app.set('trust proxy', config.trustProxy);
  app.use(requestContext(logger));
  app.use(healthRoutes(knex, health));
  app.use('/scim/v2', scimRouter(config, knex));
  const tokens = new SessionTokens(knex, config.publicUrl, config.sessionTokenTtlMs);
  const cookies = cookieSettingsFor(config.publicUrl, config.sessionTokenTtlMs);
  app.use(
    '/auth/invitations',
    invitationAcceptRoutes({
      db: knex,
      tokens,
      cookies,
      publicUrl: config.publicUrl,
      sessionMaxAgeMs: config.sessionMaxAgeMs,
      signInRateLimit: config.signInRateLimit,
    }),
  );
  app.use(
    '/auth',
    authRoutes({ db: knex, tokens, cookies, publicUrl: config.publicUrl, sessionMaxAgeMs: config.sessionMaxAgeMs, signInRateLimit: config.signInRateLimit }),
  );
  app.use(
    '/api/v1',
    apiRouter({
      db: knex,
      publicUrl: config.publicUrl,
      tokens,
      cookies,
      lookupTxt: createTxtLookup(config.dnsServers),
      saml: samlSettingsSupport(fetchMetadata),
      invitationRateLimit: config.invitationRateLimit,
      checkResponses: checkApiResponses,
      documentedOutside: documentedOutsideApi,
    }),
  );
  app.use('/sso', samlRoutes({ db: knex, tokens, cookies, publicUrl: config.publicUrl, sessionMaxAgeMs: config.sessionMaxAgeMs }));
  app.use(consoleRoutes());
  app.use(notFound);
  app.use(renderError);
  return app;
}
