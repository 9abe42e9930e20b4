import { badRequest } from '../errors.js';
import type { FilterNode } from '../filter.js';
import { keyOf, type Json } from '../json.js';

/**
 * Does a multi-valued element match a value filter? Strings compare without
 * case, as for emails and types. A simple value (a seat's product) is its own `value`.
 */
export function matches(raw: unknown, filter: FilterNode): boolean {
  const element: Json = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Json) : { value: raw };
  switch (filter.kind) {
    case 'and':
      return matches(element, filter.left) && matches(element, filter.right);
    case 'or':
      return matches(element, filter.left) || matches(element, filter.right);
    case 'not':
      return !matches(element, filter.filter);
    case 'valuePath':
      throw badRequest('invalidFilter', 'A [filter] cannot be nested inside another');
    case 'present': {
      const key = keyOf(element, filter.path.attr);
      const value = key === undefined ? undefined : element[key];
      return value !== undefined && value !== null && value !== '';
    }
    case 'compare': {
      const key = keyOf(element, filter.path.attr);
      const actual = key === undefined ? undefined : element[key];
      return compareValues(actual, filter.op, filter.value);
    }
  }
}

function compareValues(actual: unknown, op: string, expected: unknown): boolean {
  if (actual === undefined || actual === null) return op === 'ne' ? expected !== null : op === 'eq' && expected === null;
  const normalise = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : typeof value === 'boolean' ? String(value) : value);
  const a = normalise(actual);
  const b = normalise(typeof expected === 'string' && typeof actual === 'boolean' ? expected.toLowerCase() : expected);
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'co':
      return String(a).includes(String(b));
    case 'sw':
      return String(a).startsWith(String(b));
    case 'ew':
      return String(a).endsWith(String(b));
    case 'gt':
      return String(a) > String(b);
    case 'ge':
      return String(a) >= String(b);
    case 'lt':
      return String(a) < String(b);
    default:
      return String(a) <= String(b);
  }
}

/** The equality conditions of a filter such as `type eq "work" and primary eq true`: the element an add creates. */
export function equalities(filter: FilterNode): Json | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq') return { [filter.path.attr]: filter.value };
  if (filter.kind === 'and') {
    const left = equalities(filter.left);
    const right = equalities(filter.right);
    return left && right ? { ...left, ...right } : undefined;
  }
  return undefined;
}
