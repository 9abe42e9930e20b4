import { decodeCursor, encodeCursor, idAnchor, type Anchor } from '../org/lists/page.js';
import type { Condition, PageQuery } from '../org/lists/search.js';
import { badRequest } from './errors.js';
import { filterToCondition, sortFor, type ResourceKind } from './filter-map.js';
import { Projection } from './projection.js';
import { groupSchema, limits, listResponseSchema, userSchema } from './schemas.js';

type Json = Record<string, unknown>;

/**
 * A list request — GET query parameters or a POST /.search body (RFC 7644
 * §3.4.2, §3.4.3) — as a page query. Paging by index (RFC 7644 §3.4.2.4) or by
 * cursor (RFC 9865); both keep a stable order (sort key, then id).
 */
export interface ListRequest {
  query: PageQuery;
  projection: Projection;
  /** 1-based index paging, or cursor paging. */
  paging: { kind: 'index'; startIndex: number } | { kind: 'cursor' };
}

export interface ListParameters {
  filter?: unknown;
  sortBy?: unknown;
  sortOrder?: unknown;
  startIndex?: unknown;
  count?: unknown;
  cursor?: unknown;
  attributes?: unknown;
  excludedAttributes?: unknown;
}

function single(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) throw badRequest('invalidValue', `${name} was given more than once`);
  if (typeof value === 'object') throw badRequest('invalidValue', `${name} must be a single value`);
  return String(value);
}

function integer(name: string, value: unknown): number | undefined {
  const text = single(name, value);
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^-?\d+$/.test(text.trim())) throw badRequest('invalidValue', `${name} must be an integer`);
  return Number(text);
}

export function parseListRequest(kind: ResourceKind, parameters: ListParameters): ListRequest {
  const filter = single('filter', parameters.filter);
  const where: Condition | undefined = filter !== undefined && filter.trim() !== '' ? filterToCondition(kind, filter) : undefined;
  const sortBy = single('sortBy', parameters.sortBy);
  const sort = sortBy ? sortFor(kind, sortBy, single('sortOrder', parameters.sortOrder)) : undefined;
  // RFC 7644 §3.4.2.4: a negative count means 0; larger than the maximum is capped, and itemsPerPage says so.
  const count = Math.min(Math.max(integer('count', parameters.count) ?? limits.defaultPageSize, 0), limits.maxPageSize);
  const projection = Projection.from(kind === 'User' ? userSchema : groupSchema, parameters.attributes, parameters.excludedAttributes);
  const cursor = single('cursor', parameters.cursor);

  if (cursor !== undefined) {
    if (parameters.startIndex !== undefined) throw badRequest('invalidValue', 'startIndex and cursor cannot be combined (RFC 9865)');
    if (sort) throw badRequest('invalidValue', 'Cursor paging follows the default order; leave out sortBy or page by startIndex');
    // RFC 9865: an empty cursor asks for the first page.
    const afterId = cursor === '' ? undefined : decodeCursor(cursor, idAnchor)[0];
    return { query: { where, offset: 0, limit: count, afterId }, projection, paging: { kind: 'cursor' } };
  }
  // RFC 7644 §3.4.2.4: a startIndex below 1 is taken as 1.
  const startIndex = Math.max(integer('startIndex', parameters.startIndex) ?? 1, 1);
  return { query: { where, sort, offset: startIndex - 1, limit: count }, projection, paging: { kind: 'index', startIndex } };
}

/** The ListResponse envelope (RFC 7644 §3.4.2); totals are JSON integers, as Okta requires. */
export function listResponse(request: ListRequest, total: number, resources: Json[], next: Anchor | null): Json {
  const base: Json = { schemas: [listResponseSchema], totalResults: total, itemsPerPage: resources.length };
  if (request.paging.kind === 'index') return { ...base, startIndex: request.paging.startIndex, Resources: resources };
  return { ...base, ...(next ? { nextCursor: encodeCursor(next) } : {}), Resources: resources };
}
