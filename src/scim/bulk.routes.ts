import { Router } from 'express';
import type { Knex } from 'knex';
import { callerOf } from './auth.js';
import type { ResourceWrites, ScimContext } from './context.js';
import { badRequest, scimErrorBody, ScimError, toScimError } from './errors.js';
import { groupWrites } from './groups.routes.js';
import { etagOf, expectedVersions, sendResource } from './http.js';
import { bulkResponseSchema, limits } from './schemas.js';
import { userWrites } from './users.routes.js';
import { field } from './json.js';

type Json = Record<string, unknown>;

interface BulkOperation {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  bulkId?: string;
  version?: string;
  path: string;
  data?: unknown;
}

const writesByEndpoint: Record<string, ResourceWrites> = { users: userWrites, groups: groupWrites };

function parseOperations(body: unknown): { operations: BulkOperation[]; failOnErrors: number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('invalidSyntax', 'The request body must be a BulkRequest object');
  const raw = field(body as Json, 'Operations');
  if (!Array.isArray(raw) || raw.length === 0) throw badRequest('invalidSyntax', 'A BulkRequest needs a non-empty "Operations" list');
  // RFC 7644 §3.7.4: more operations than advertised is refused whole, with 413.
  if (raw.length > limits.bulkMaxOperations) {
    throw new ScimError(413, undefined, `The request has ${raw.length} operations; the maximum is ${limits.bulkMaxOperations}`);
  }
  const failOnErrorsRaw = field(body as Json, 'failOnErrors');
  const failOnErrors = failOnErrorsRaw === undefined ? Number.POSITIVE_INFINITY : Number(failOnErrorsRaw);
  if (!Number.isInteger(failOnErrors) && failOnErrors !== Number.POSITIVE_INFINITY) throw badRequest('invalidValue', 'failOnErrors must be an integer');
  const bulkIds = new Set<string>();
  const operations = raw.map((item, index): BulkOperation => {
    if (typeof item !== 'object' || item === null) throw badRequest('invalidSyntax', `Operation ${index + 1} is not an object`);
    const method = String(field(item as Json, 'method') ?? '').toUpperCase();
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method))
      throw badRequest('invalidSyntax', `Operation ${index + 1}: method must be POST, PUT, PATCH or DELETE`);
    const path = field(item as Json, 'path');
    if (typeof path !== 'string' || !path.startsWith('/')) throw badRequest('invalidSyntax', `Operation ${index + 1}: path must be like /Users or /Users/{id}`);
    const bulkId = field(item as Json, 'bulkId');
    if (method === 'POST' && (typeof bulkId !== 'string' || bulkId === '')) throw badRequest('invalidSyntax', `Operation ${index + 1}: POST needs a bulkId`);
    if (typeof bulkId === 'string') {
      if (bulkIds.has(bulkId)) throw badRequest('invalidSyntax', `bulkId "${bulkId}" is used twice`);
      bulkIds.add(bulkId);
    }
    const version = field(item as Json, 'version');
    return {
      method: method as BulkOperation['method'],
      path,
      data: field(item as Json, 'data'),
      ...(typeof bulkId === 'string' ? { bulkId } : {}),
      ...(typeof version === 'string' ? { version } : {}),
    };
  });
  return { operations, failOnErrors };
}

class UnresolvedReference extends Error {
  constructor(readonly bulkId: string) {
    super(bulkId);
  }
}

/** Replaces every "bulkId:x" string with the id created for x (RFC 7644 §3.7.2). */
function resolveReferences(value: unknown, created: Map<string, string>): unknown {
  if (typeof value === 'string' && value.startsWith('bulkId:')) {
    const id = created.get(value.slice('bulkId:'.length));
    if (!id) throw new UnresolvedReference(value.slice('bulkId:'.length));
    return id;
  }
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, created));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolveReferences(inner, created)]));
  return value;
}

/**
 * POST /Bulk (RFC 7644 §3.7). Each operation is its own transaction: it applies
 * whole or not at all. Operations run in order; one that refers to a bulkId
 * created later waits until that resource exists. `failOnErrors` stops the run
 * after that many failures.
 */
export function bulkRoutes(db: Knex, baseUrl: string): Router {
  const router = Router();
  router.post('/Bulk', async (req, res) => {
    const { operations, failOnErrors } = parseOperations(req.body);
    const context: ScimContext = { db, baseUrl, caller: callerOf(res.locals) };
    const created = new Map<string, string>();
    const results = new Map<BulkOperation, Json>();
    let pending = [...operations];
    let errors = 0;

    const fail = (operation: BulkOperation, error: ScimError) => {
      errors++;
      results.set(operation, {
        method: operation.method,
        ...(operation.bulkId ? { bulkId: operation.bulkId } : {}),
        status: String(error.status),
        response: scimErrorBody(error),
      });
    };

    while (pending.length > 0 && errors < failOnErrors) {
      const waiting: BulkOperation[] = [];
      for (const operation of pending) {
        if (errors >= failOnErrors) break;
        let data: unknown;
        let path: string;
        try {
          data = resolveReferences(operation.data, created);
          path = String(resolveReferences(operation.path, created));
        } catch (error) {
          if (error instanceof UnresolvedReference) {
            waiting.push(operation);
            continue;
          }
          throw error;
        }
        const [, endpoint, id, extra] = path.split('/');
        const writes = writesByEndpoint[(endpoint ?? '').toLowerCase()];
        if (!writes || extra !== undefined || (operation.method === 'POST') !== (id === undefined)) {
          fail(operation, badRequest('invalidPath', `${operation.method} ${operation.path} is not a bulk operation Roster supports`));
          continue;
        }
        try {
          const ifVersion = expectedVersions(operation.version);
          const result =
            operation.method === 'POST'
              ? await writes.create(context, data)
              : operation.method === 'PUT'
                ? await writes.replace(context, id!, data, ifVersion)
                : operation.method === 'PATCH'
                  ? await writes.patch(context, id!, data, ifVersion)
                  : await writes.remove(context, id!, ifVersion);
          if (operation.bulkId && result.id) created.set(operation.bulkId, result.id);
          const location = result.id ? `${baseUrl}/${endpoint!.toLowerCase() === 'users' ? 'Users' : 'Groups'}/${result.id}` : undefined;
          results.set(operation, {
            method: operation.method,
            ...(operation.bulkId ? { bulkId: operation.bulkId } : {}),
            ...(result.version !== undefined ? { version: etagOf(result.version) } : {}),
            ...(location ? { location } : {}),
            status: String(result.status),
          });
        } catch (error) {
          fail(operation, toScimError(error));
        }
      }
      if (waiting.length === pending.length) {
        // Nothing could run: the remaining operations refer to bulkIds that never get created.
        for (const operation of waiting) {
          if (errors >= failOnErrors) break;
          fail(operation, badRequest('invalidValue', `Operation refers to a bulkId that no operation in this request creates`));
        }
        break;
      }
      pending = waiting;
    }

    sendResource(res, 200, {
      schemas: [bulkResponseSchema],
      Operations: operations.filter((operation) => results.has(operation)).map((operation) => results.get(operation)!),
    });
  });
  return router;
}
