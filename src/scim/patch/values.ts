import { badRequest } from '../errors.js';
import { keyOf, type Json } from '../json.js';

/** Small helpers for the values an operation reads and writes in a document. */

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown, name: string): Json {
  if (!isObject(value)) throw badRequest('invalidValue', `${name} needs an object value`);
  return value;
}

/** An operation's value as a list: a single value where a list is expected is a list of one. */
export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** The values a multi-valued attribute holds; none when it is missing. */
export function listAt(container: Json, key: string): unknown[] {
  return Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
}

/** A single complex attribute's current object; an empty one when it is missing. */
export function objectAt(container: Json, key: string): Json {
  const current = container[key];
  return isObject(current) ? current : {};
}

export function omit(object: Json, key: string): Json {
  const { [key]: _removed, ...rest } = object;
  return rest;
}

/** A multi-valued element's identity: its `value` when it has one. */
export function valueOf(element: unknown): unknown {
  if (isObject(element)) {
    const key = keyOf(element, 'value');
    if (key !== undefined) {
      const value = element[key];
      return typeof value === 'string' ? value.toLowerCase() : value;
    }
  }
  return typeof element === 'string' ? element.toLowerCase() : element;
}
