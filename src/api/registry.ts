import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import {
  openApiDocument,
  sessionCredentials,
  type Credential,
  type ErrorStatus,
  type OperationDescription,
  type ResponseDescription,
} from '../http/openapi.js';
import { checkInput, invalidInput } from '../http/validate.js';
import type { OrganizationRole } from '../org/organizations/types.js';
import { apiCallerOf, requireRole, type ApiCaller } from './access.js';

/**
 * Every `/api/v1` route is declared once: method, path, who may call it, the
 * zod schemas of its body, query and answer, and its handler. The same
 * declaration validates requests, mounts the route and writes the OpenAPI
 * document, so the document cannot drift from what the API does.
 */
export interface ApiRoute<Body = unknown, Query = unknown> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI-style, relative to /api/v1: `/domains/{id}`. */
  path: string;
  /** Stable, camelCase, unique: the name generated clients (the console's) call it by. */
  operationId: string;
  summary: string;
  tag: string;
  /** Failures it can answer beyond 400, 401, 403, 404, 409 (and 413 for a body): 429 when `before` limits the rate. */
  errors?: ErrorStatus[];
  /** Also answered for an API key, not only a session (`/whoami`, mounted ahead of the session check). */
  acceptsApiKey?: boolean;
  /** Who may call it (by the caller's Organization role, read on this request). */
  roles: readonly OrganizationRole[];
  /** Run after the role check, before the handler (a rate limit, say). */
  before?: RequestHandler[];
  body?: z.ZodType<Body>;
  query?: z.ZodType<Query>;
  /**
   * The success answer: its status and schema (null for no JSON body); `alternatives`: other success statuses a handler may
   * choose (`res.locals.status`); `contentType`: for a non-JSON body the handler writes itself with `res` (schema null).
   */
  response: { status: number; schema: z.ZodType | null; alternatives?: number[]; contentType?: string };
  handle(input: { caller: ApiCaller; params: Record<string, string>; body: Body; query: Query; req: Request; res: Response }): Promise<unknown>;
}

export function defineRoute<Body = undefined, Query = undefined>(route: ApiRoute<Body, Query>): ApiRoute {
  return route as unknown as ApiRoute;
}

export const allRoles: readonly OrganizationRole[] = ['admin', 'billing', 'member'];

/** The error body every `/api/v1` failure has. */
export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }) })
  .meta({ id: 'Error' });

export interface MountOptions {
  /** Check every answer against its declared schema (tests do; a mismatch is a 500). */
  checkResponses: boolean;
}

export function mountRoutes(router: Router, routes: ApiRoute[], options: MountOptions): void {
  for (const route of routes) {
    const expressPath = route.path.replace(/\{(\w+)\}/g, ':$1');
    router[route.method](expressPath, requireRole(...route.roles), ...(route.before ?? []), async (req: Request, res: Response) => {
      const { body, query } = validatedInput(route, req);
      const result = await route.handle({ caller: apiCallerOf(res.locals), params: req.params as Record<string, string>, body, query, req, res });
      if (res.headersSent) return;
      const status = typeof res.locals.status === 'number' ? res.locals.status : route.response.status;
      if (route.response.schema === null) {
        res.status(status).end();
        return;
      }
      if (options.checkResponses) {
        const checked = route.response.schema.safeParse(result);
        if (!checked.success) throw new Error(`${route.method.toUpperCase()} ${route.path} answered outside its schema: ${checked.error.message}`);
      }
      res.status(status).json(result);
    });
  }
}

/** The route's body and query, validated together: a 400 lists the problems of both. */
function validatedInput(route: ApiRoute, req: Request): { body: unknown; query: unknown } {
  const body = route.body ? checkInput(route.body, req.body, 'body') : { ok: true as const, data: undefined };
  const query = route.query ? checkInput(route.query, req.query, 'query') : { ok: true as const, data: undefined };
  if (!body.ok || !query.ok) throw invalidInput([...(body.ok ? [] : body.problems), ...(query.ok ? [] : query.problems)]);
  return { body: body.data, query: query.data };
}

/** Where `/api/v1` routes are served: declarations say `/domains`, the document `/api/v1/domains`. */
export const apiBasePath = '/api/v1';

/** The OpenAPI description of a declared route: its schemas, roles, credentials and failures. */
function describeApiRoute(route: ApiRoute): OperationDescription {
  const { status, schema, alternatives = [], contentType } = route.response;
  const success: ResponseDescription = schema
    ? { description: 'Success', json: schema }
    : contentType
      ? { description: 'Success', text: contentType }
      : { description: 'Success, no body' };
  const credentials: Credential[] = [...sessionCredentials, ...(route.acceptsApiKey ? (['apiKey'] as const) : [])];
  return {
    method: route.method,
    path: `${apiBasePath}${route.path}`,
    operationId: route.operationId,
    summary: route.summary,
    description: `Roles: ${route.roles.join(', ')}.`,
    tag: route.tag,
    credentials,
    ...(route.query ? { query: route.query } : {}),
    ...(route.body ? { body: route.body } : {}),
    responses: Object.fromEntries([status, ...alternatives].map((code) => [code, success])),
    errors: [400, 401, 403, 404, 409, ...(route.body ? ([413] as const) : []), ...(route.errors ?? [])],
  };
}

/**
 * The OpenAPI 3.1 document of these routes, and of the operations served
 * outside `/api/v1` that the console calls too (`/auth`).
 */
export function apiDocument(routes: ApiRoute[], publicUrl: string, outsideApi: readonly OperationDescription[]): Record<string, unknown> {
  return openApiDocument({
    title: 'Roster admin API',
    serverUrl: publicUrl,
    errorSchema,
    operations: [...routes.map(describeApiRoute), ...outsideApi],
  });
}
