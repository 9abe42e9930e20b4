import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { checkInput, invalidInput } from '../http/validate.js';
import type { OrganizationRole } from '../org/types.js';
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
  summary: string;
  tag: string;
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

/** The OpenAPI 3.1 document of these routes. */
export function openApiDocument(routes: ApiRoute[], publicUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schema = (type: z.ZodType) => z.toJSONSchema(type, { target: 'draft-2020-12', unrepresentable: 'any', io: 'output' });
  const errorBody = { content: { 'application/json': { schema: schema(errorSchema) } } };
  for (const route of routes) {
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (route.query) {
      const query = schema(route.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, property] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: 'query', required: (query.required ?? []).includes(name), schema: property } as never);
      }
    }
    (paths[route.path] ??= {})[route.method] = {
      summary: route.summary,
      tags: [route.tag],
      description: `Roles: ${route.roles.join(', ')}.`,
      ...(parameters.length ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema(route.body) } } } } : {}),
      responses: {
        ...Object.fromEntries(
          [route.response.status, ...(route.response.alternatives ?? [])].map((status) => [
            status,
            route.response.schema
              ? { description: 'Success', content: { 'application/json': { schema: schema(route.response.schema) } } }
              : route.response.contentType
                ? { description: 'Success', content: { [route.response.contentType]: { schema: { type: 'string' } } } }
                : { description: 'Success, no body' },
          ]),
        ),
        400: { description: 'Invalid input', ...errorBody },
        401: { description: 'Not signed in', ...errorBody },
        403: { description: 'Not allowed for this role', ...errorBody },
        404: { description: 'Not found in this Organization', ...errorBody },
        409: { description: 'Conflicts with the Organization’s rules', ...errorBody },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Roster admin API', version: '1' },
    servers: [{ url: `${publicUrl}/api/v1` }],
    security: [{ session: [] }, { sessionCookie: [] }],
    components: {
      securitySchemes: {
        session: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'roster_session' },
      },
    },
    paths,
  };
}
