import express, { Router, type RequestHandler } from 'express';
import { unstorableInRequest } from '../http/unstorable-text.js';
import type { Knex } from 'knex';
import type { Config } from '../config.js';
import { scimAuthentication } from './auth.js';
import { bulkRoutes } from './bulk.routes.js';
import { discoveryRoutes, discoveryWritesRefused } from './discovery.routes.js';
import { badRequest, renderScimError, ScimError } from './errors.js';
import { groupsRoutes } from './groups.routes.js';
import { baseUrlOf } from './http.js';
import { declareScimSchemas, limits } from './schemas.js';
import { rootSearchRoutes } from './search.routes.js';
import { usersRoutes } from './users.routes.js';

/**
 * The SCIM 2.0 service provider at `{PUBLIC_URL}/scim/v2`. Roster owns the
 * routes and keeps scimmy beneath them for schemas, body validation and
 * discovery (README: "SCIM: why Roster owns the routes").
 */
export function scimRouter(config: Config, db: Knex): Router {
  declareScimSchemas();
  const baseUrl = baseUrlOf(config.publicUrl);
  const router = Router();
  // RFC 7644 §3.1: bodies are application/scim+json; plain JSON is accepted as IdPs send it too.
  router.use(discoveryWritesRefused());
  router.use(express.json({ type: ['application/scim+json', 'application/json'], limit: limits.maxPayloadSize, strict: true }));
  router.use(refuseUnstorableText);
  router.use(scimAuthentication(db, { limitPerMinute: config.scimRateLimit, cacheMs: config.scimTokenCacheMs }));
  router.use(discoveryRoutes(baseUrl));
  router.use('/Users', usersRoutes(db, config.publicUrl));
  router.use('/Groups', groupsRoutes(db, config.publicUrl));
  router.use(rootSearchRoutes(db, baseUrl));
  router.use(bulkRoutes(db, baseUrl));
  router.use((req, _res, next) => next(new ScimError(404, undefined, `No SCIM endpoint ${req.method} ${req.path}`)));
  router.use(renderScimError);
  return router;
}

/**
 * Text PostgreSQL cannot store (NUL, lone surrogates) or absurd nesting, refused
 * before any query runs (RFC 7644 §3.12): in a filter `invalidFilter`, nesting
 * `invalidSyntax`, anything else `invalidValue`.
 */
const refuseUnstorableText: RequestHandler = (req, _res, next) => {
  const problem = unstorableInRequest(req);
  if (!problem) return next();
  const scimType = problem.path === '/filter' ? 'invalidFilter' : problem.reason === 'depth' ? 'invalidSyntax' : 'invalidValue';
  const where =
    problem.in === 'path' ? '' : `${problem.in === 'query' ? 'Query parameter' : 'Body attribute'} "${problem.path.slice(1).replaceAll('/', '.')}" `;
  next(badRequest(scimType, `${where}${problem.message}`));
};
