import { Router, type RequestHandler } from 'express';
import SCIMMY from 'scimmy';
import { ScimError, sendScimError } from './errors.js';
import { sendResource } from './http.js';
import { plain, type Json } from './json.js';
import { limits, listResponseSchema } from './schemas.js';

interface Discovery {
  config: Json;
  resourceTypes: Json[];
  schemas: Json[];
}

/**
 * ServiceProviderConfig, ResourceTypes and Schemas (RFC 7644 §4), described by
 * scimmy from the declared schemas and configuration, with Roster's base URL in
 * every `meta.location`. They do not change while Roster runs, so they are
 * described once. They are read-only: see discoveryWritesRefused.
 */
export function discoveryRoutes(baseUrl: string): Router {
  const router = Router();
  const located = (resource: Json, path: string): Json => ({
    ...resource,
    meta: { ...((resource.meta as Json) ?? {}), location: `${baseUrl}${path}` },
  });
  let described: Promise<Discovery> | undefined;
  const discovery = () =>
    (described ??= (async () => {
      const config = plain(await new SCIMMY.Resources.ServiceProviderConfig().read());
      // RFC 9865 §5: how lists may be paged, and the page sizes Roster enforces.
      const pagination = {
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: limits.defaultPageSize,
        maxPageSize: limits.maxPageSize,
      };
      const types = plain<{ Resources: Json[] }>(await new SCIMMY.Resources.ResourceType().read()).Resources;
      const schemas = plain<{ Resources: Json[] }>(await new SCIMMY.Resources.Schema().read()).Resources;
      return {
        config: located({ ...config, pagination }, '/ServiceProviderConfig'),
        resourceTypes: types.map((type) => located(type, `/ResourceTypes/${String(type.id)}`)),
        schemas: schemas.map((schema) => located(schema, `/Schemas/${String(schema.id)}`)),
      };
    })());
  const list = (resources: Json[]) => ({
    schemas: [listResponseSchema],
    totalResults: resources.length,
    itemsPerPage: resources.length,
    startIndex: 1,
    Resources: resources,
  });
  const one = (resources: Json[], id: string, kind: string) => {
    const found = resources.find((resource) => resource.id === id);
    if (!found) throw new ScimError(404, undefined, `No ${kind} "${id}"`);
    return found;
  };

  router.get('/ServiceProviderConfig', async (_req, res) => sendResource(res, 200, (await discovery()).config));
  router.get('/ResourceTypes', async (_req, res) => sendResource(res, 200, list((await discovery()).resourceTypes)));
  router.get('/ResourceTypes/:id', async (req, res) => sendResource(res, 200, one((await discovery()).resourceTypes, req.params.id, 'resource type')));
  router.get('/Schemas', async (_req, res) => sendResource(res, 200, list((await discovery()).schemas)));
  router.get('/Schemas/:id', async (req, res) => sendResource(res, 200, one((await discovery()).schemas, req.params.id, 'schema')));

  return router;
}

const discoveryPaths = ['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/:id', '/Schemas', '/Schemas/:id'];

/**
 * Any method but GET on a discovery endpoint is 405 with `Allow: GET` (RFC 9110
 * §15.5.6), whatever the body: mounted before body parsing, so a malformed or
 * oversized body is never read, only drained.
 */
export function discoveryWritesRefused(): Router {
  const router = Router();
  const readOnly: RequestHandler = (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    req.resume();
    res.setHeader('Allow', 'GET');
    sendScimError(res, new ScimError(405, undefined, `${req.method} is not allowed on discovery endpoints; they are read-only`));
  };
  router.all(discoveryPaths, readOnly);
  return router;
}
