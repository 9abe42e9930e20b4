import { z } from 'zod';

/**
 * Roster's OpenAPI 3.1 document is written from declarations, never by hand:
 * each adapter describes its operations with the zod schemas it parses and
 * answers with, and this module turns those descriptions into one document.
 * The console's client is typed from that document, so a route change the
 * console does not follow fails its build.
 */

type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The credentials operations accept, as the document's security schemes name them. */
const securitySchemes = {
  sessionToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A session token (answered by a sign-in or `POST /auth/refresh`) as `Authorization: Bearer`.',
  },
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'roster_session',
    description: 'The session cookie a browser sign-in sets. Requests that change something must carry Roster’s own `Origin`.',
  },
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'roster_key_…',
    description: 'A member’s API key as `Authorization: Bearer`, where an operation says it takes one.',
  },
} as const;

export type Credential = keyof typeof securitySchemes;

/** A signed-in session, by token or by cookie. */
export const sessionCredentials: readonly Credential[] = ['sessionToken', 'sessionCookie'];

/** The failures an operation answers with the error body, each a reusable response of the document. */
const errorResponses = {
  400: { name: 'InvalidInput', description: 'The request is malformed or its input invalid' },
  401: { name: 'NotSignedIn', description: 'No valid credentials: sign in (again)' },
  403: { name: 'Forbidden', description: 'Not allowed: the caller’s role, the Organization’s rules, or a cross-site request' },
  404: { name: 'NotFound', description: 'Not found (an id from another Organization is not found either)' },
  409: { name: 'Conflict', description: 'Conflicts with the Organization’s rules or its current state' },
  413: { name: 'TooLarge', description: 'The request body is too large' },
  429: { name: 'RateLimited', description: 'Too many requests: retry after `Retry-After` seconds' },
} as const;

export type ErrorStatus = keyof typeof errorResponses;

export interface ResponseDescription {
  description: string;
  /** The JSON body's schema. */
  json?: z.ZodType;
  /** A body that is not JSON (HTML, CSV): its media type; the document calls it a string. */
  text?: string;
  /** Headers worth knowing about (name → what it holds). */
  headers?: Record<string, string>;
}

export interface OperationDescription {
  method: HttpMethod;
  /** From the server's root, OpenAPI style: `/api/v1/domains/{id}`. */
  path: string;
  /** Stable, camelCase and unique: generated clients name their calls after it. */
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Any one of these is enough; none: the operation is open to anyone. */
  credentials: readonly Credential[];
  /** Query parameters: the schema's properties (its output type, what each string must parse to). */
  query?: z.ZodType;
  body?: z.ZodType;
  /** How the body may be sent; JSON only unless listed. */
  bodyMediaTypes?: readonly string[];
  responses: Record<number, ResponseDescription>;
  /** Failures answered with the error body, besides the `default` one every operation has. */
  errors: readonly ErrorStatus[];
}

type JsonSchema = Record<string, unknown>;

/**
 * The document's `components/schemas`. zod writes each schema with an `id`
 * (`.meta({ id })`) as a local `$defs` entry; those are lifted here under that
 * id, so every operation shares one named schema and every `$ref` resolves.
 */
class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  /** The JSON Schema of `type` for the document. Bodies are described as clients send them (`input`), answers as sent (`output`). */
  of(type: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const {
      $schema: _dialect,
      $defs,
      ...root
    } = z.toJSONSchema(type, { target: 'draft-2020-12', unrepresentable: 'any', io }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [name, schema] of Object.entries($defs ?? {})) {
      // zod names unnamed recursive schemas `__schema0`…: not stable across changes, so not a name clients may rely on.
      if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error(`OpenAPI: schema "${name}" needs a stable PascalCase id (.meta({ id }))`);
      const lifted = relink(schema) as JsonSchema;
      const known = this.schemas[name];
      if (known && JSON.stringify(known) !== JSON.stringify(lifted)) throw new Error(`OpenAPI: two different schemas have the id "${name}"`);
      this.schemas[name] = lifted;
    }
    return relink(root) as JsonSchema;
  }
}

/** Points zod's local `#/$defs/X` references at `#/components/schemas/X`. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string' ? inner.replace(/^#\/\$defs\//, '#/components/schemas/') : relink(inner),
    ]),
  );
}

function parametersOf(operation: OperationDescription, components: SchemaComponents): JsonSchema[] {
  const inPath = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));
  if (!operation.query) return inPath;
  const query = components.of(operation.query, 'output') as { properties?: Record<string, JsonSchema>; required?: string[] };
  const inQuery = Object.entries(query.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: (query.required ?? []).includes(name),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    schema,
  }));
  return [...inPath, ...inQuery];
}

function responseOf(response: ResponseDescription, components: SchemaComponents): JsonSchema {
  const content: Record<string, JsonSchema> = {};
  if (response.json) content['application/json'] = { schema: components.of(response.json, 'output') };
  if (response.text) content[response.text] = { schema: { type: 'string' } };
  const headers = Object.entries(response.headers ?? {}).map(([name, description]) => [name, { description, schema: { type: 'string' } }]);
  return {
    description: response.description,
    ...(headers.length ? { headers: Object.fromEntries(headers) } : {}),
    ...(Object.keys(content).length ? { content } : {}),
  };
}

function operationOf(operation: OperationDescription, components: SchemaComponents): JsonSchema {
  const parameters = parametersOf(operation, components);
  const body = operation.body ? components.of(operation.body, 'input') : undefined;
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: [operation.tag],
    security: operation.credentials.map((credential) => ({ [credential]: [] })),
    ...(parameters.length ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries((operation.bodyMediaTypes ?? ['application/json']).map((type) => [type, { schema: body }])),
          },
        }
      : {}),
    responses: {
      ...Object.fromEntries(Object.entries(operation.responses).map(([status, response]) => [status, responseOf(response, components)])),
      ...Object.fromEntries(operation.errors.map((status) => [status, { $ref: `#/components/responses/${errorResponses[status].name}` }])),
      default: { $ref: '#/components/responses/Error' },
    },
  };
}

export interface DocumentOptions {
  title: string;
  /** Where the paths are served from: PUBLIC_URL. */
  serverUrl: string;
  /** The body of every failure. */
  errorSchema: z.ZodType;
  operations: readonly OperationDescription[];
}

/** The OpenAPI 3.1 document of these operations. */
export function openApiDocument({ title, serverUrl, errorSchema, operations }: DocumentOptions): JsonSchema {
  const components = new SchemaComponents();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of operations) {
    const methods = (paths[operation.path] ??= {});
    if (methods[operation.method]) throw new Error(`OpenAPI: ${operation.method.toUpperCase()} ${operation.path} is described twice`);
    methods[operation.method] = operationOf(operation, components);
  }
  const error = { 'application/json': { schema: components.of(errorSchema, 'output') } };
  const retryAfter = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } };
  return {
    openapi: '3.1.0',
    info: { title, version: '1' },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: components.schemas,
      responses: {
        ...Object.fromEntries(
          Object.entries(errorResponses).map(([status, { name, description }]) => [
            name,
            { description, ...(status === '429' ? { headers: retryAfter } : {}), content: error },
          ]),
        ),
        Error: { description: 'Any other failure: 500, or 503 (with `Retry-After`) while the database is unreachable', content: error },
      },
      securitySchemes,
    },
  };
}
