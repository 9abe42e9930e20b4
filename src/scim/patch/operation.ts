import { badRequest } from '../errors.js';
import { keyOf, type Json } from '../json.js';

/** One PATCH operation (RFC 7644 §3.5.2), its `op` already lower-cased: Entra sends "Add", "Replace", "Remove". */
export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

/** An operation that names its target: every path-less one is turned into these before it applies. */
export type PathOperation = PatchOperation & { path: string };

/** The PatchOp message's operations; anything malformed is refused before anything changes. */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('invalidSyntax', 'The request body must be a PatchOp JSON object');
  const operationsKey = keyOf(body as Json, 'Operations');
  const operations = operationsKey ? (body as Json)[operationsKey] : undefined;
  if (!Array.isArray(operations) || operations.length === 0) throw badRequest('invalidSyntax', 'A PatchOp needs a non-empty "Operations" list');
  return operations.map((raw, index) => parseOperation(raw, index + 1));
}

/** Operation `number` (counted from 1, as messages name it); member names are matched without case. */
function parseOperation(raw: unknown, number: number): PatchOperation {
  if (typeof raw !== 'object' || raw === null) throw badRequest('invalidSyntax', `Operation ${number} is not an object`);
  const operation = raw as Json;
  const get = (name: string) => {
    const key = keyOf(operation, name);
    return key === undefined ? undefined : operation[key];
  };
  const op = String(get('op') ?? '').toLowerCase();
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    throw badRequest('invalidSyntax', `Operation ${number}: "op" must be add, replace or remove`);
  }
  const path = get('path');
  if (path !== undefined && path !== null && typeof path !== 'string') throw badRequest('invalidPath', `Operation ${number}: "path" must be a string`);
  const value = get('value');
  if (op === 'remove' && !path) throw badRequest('noTarget', `Operation ${number}: remove needs a "path" (RFC 7644 §3.5.2.2)`);
  if (op !== 'remove' && value === undefined) throw badRequest('invalidValue', `Operation ${number}: ${op} needs a "value"`);
  return { op, ...(path ? { path: path.trim() } : {}), ...(value !== undefined ? { value } : {}) };
}
