import { Router, type RequestHandler } from 'express';
import SCIMMY from 'scimmy';
import { ScimError, sendScimError } from './errors.js';
import { sendResource } from './http.js';
import { limits, listResponseSchema } from './schemas.js';

type Json = Record<string, unknown>;

/**
 * ServiceProviderConfig, ResourceTypes and Schemas (RFC 7644 §4), described by
 * scimmy from the declared schemas and configuration, with Roster's base URL in
 * every `meta.location`. They are read-only: any other method answers 405.
 */
export function discoveryRoutes(baseUrl: string): Router {
  const router = Router();
  const located = (resource: Json, path: string): Json => ({
    ...resource,
    meta: { ...((resource.meta as Json) ?? {}), location: `${baseUrl}${path}` },
  });

  router.get('/ServiceProviderConfig', async (_req, res) => {
    const config = JSON.parse(JSON.stringify(await new SCIMMY.Resources.ServiceProviderConfig().read())) as Json;
    // RFC 9865 §5: how lists may be paged, and the page sizes Roster enforces.
    const pagination = { cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: limits.defaultPageSize, maxPageSize: limits.maxPageSize };
    sendResource(res, 200, located({ ...config, pagination }, '/ServiceProviderConfig'));
  });

  router.get('/ResourceTypes', async (_req, res) => {
    const list = JSON.parse(JSON.stringify(await new SCIMMY.Resources.ResourceType().read())) as { Resources: Json[] };
    const resources = list.Resources.map((type) => located(type, `/ResourceTypes/${String(type.id)}`));
    sendResource(res, 200, { schemas: [listResponseSchema], totalResults: resources.length, itemsPerPage: resources.length, startIndex: 1, Resources: resources });
  });

  router.get('/ResourceTypes/:id', async (req, res) => {
    const list = JSON.parse(JSON.stringify(await new SCIMMY.Resources.ResourceType().read())) as { Resources: Json[] };
    const type = list.Resources.find((candidate) => candidate.id === req.params.id);
    if (!type) throw new ScimError(404, undefined, `No resource type "${req.params.id}"`);
    sendResource(res, 200, located(type, `/ResourceTypes/${String(type.id)}`));
  });

  router.get('/Schemas', async (_req, res) => {
    const list = JSON.parse(JSON.stringify(await new SCIMMY.Resources.Schema().read())) as { Resources: Json[] };
    const resources = list.Resources.map((schema) => located(schema, `/Schemas/${String(schema.id)}`));
    sendResource(res, 200, { schemas: [listResponseSchema], totalResults: resources.length, itemsPerPage: resources.length, startIndex: 1, Resources: resources });
  });

  router.get('/Schemas/:id', async (req, res) => {
    const list = JSON.parse(JSON.stringify(await new SCIMMY.Resources.Schema().read())) as { Resources: Json[] };
    const schema = list.Resources.find((candidate) => candidate.id === req.params.id);
    if (!schema) throw new ScimError(404, undefined, `No schema "${req.params.id}"`);
    sendResource(res, 200, located(schema, `/Schemas/${String(schema.id)}`));
  });

  const readOnly: RequestHandler = (req, res) => {
    res.setHeader('Allow', 'GET');
    sendScimError(res, new ScimError(405, undefined, `${req.method} is not allowed on discovery endpoints; they are read-only`));
  };
  router.all(['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/:id', '/Schemas', '/Schemas/:id'], readOnly);
  return router;
}
