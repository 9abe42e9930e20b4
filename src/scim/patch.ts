import type SCIMMY from 'scimmy';
import { badRequest } from './errors.js';
import { FilterSyntaxError, parsePatchPath, type AttrPath, type FilterNode } from './filter.js';
import { allSchemas } from './filter-map.js';
import { isExtension, keyOf, membersOf } from './json.js';

type Json = Record<string, unknown>;
type Attribute = SCIMMY.Types.Attribute;
type Definition = SCIMMY.Types.SchemaDefinition;

/** One PATCH operation (RFC 7644 §3.5.2), its `op` already lower-cased: Entra sends "Add", "Replace", "Remove". */
export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

/** The PatchOp message's operations; anything malformed is refused before anything changes. */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('invalidSyntax', 'The request body must be a PatchOp JSON object');
  const operationsKey = keyOf(body as Json, 'Operations');
  const operations = operationsKey ? (body as Json)[operationsKey] : undefined;
  if (!Array.isArray(operations) || operations.length === 0) throw badRequest('invalidSyntax', 'A PatchOp needs a non-empty "Operations" list');
  return operations.map((raw, index) => {
    if (typeof raw !== 'object' || raw === null) throw badRequest('invalidSyntax', `Operation ${index + 1} is not an object`);
    const operation = raw as Json;
    const get = (name: string) => {
      const key = keyOf(operation, name);
      return key === undefined ? undefined : operation[key];
    };
    const op = String(get('op') ?? '').toLowerCase();
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw badRequest('invalidSyntax', `Operation ${index + 1}: "op" must be add, replace or remove`);
    }
    const path = get('path');
    if (path !== undefined && path !== null && typeof path !== 'string') throw badRequest('invalidPath', `Operation ${index + 1}: "path" must be a string`);
    const value = get('value');
    if (op === 'remove' && !path) throw badRequest('noTarget', `Operation ${index + 1}: remove needs a "path" (RFC 7644 §3.5.2.2)`);
    if (op !== 'remove' && value === undefined) throw badRequest('invalidValue', `Operation ${index + 1}: ${op} needs a "value"`);
    return { op, ...(path ? { path: path.trim() } : {}), ...(value !== undefined ? { value } : {}) };
  });
}

export function parsePath(text: string): { path: AttrPath; filter?: FilterNode; sub?: string } {
  try {
    return parsePatchPath(text, allSchemas);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw badRequest('invalidPath', error.message);
    throw error;
  }
}

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

/**
 * Applies PATCH operations to a resource held as plain SCIM JSON (a User),
 * in order, guided by the schema definition. The result is validated like a
 * PUT body by the caller; nothing is written unless every operation applies.
 */
export class ResourcePatcher {
  constructor(
    private readonly definition: Definition,
    private readonly coreSchema: string,
    private readonly resourceId: string,
  ) {}

  apply(document: Json, operations: PatchOperation[]): Json {
    for (const operation of operations) {
      if (operation.path) this.applyWithPath(document, operation);
      else this.applyWithoutPath(document, operation);
    }
    return document;
  }

  /** RFC 7644 §3.5.2.1/3 without a path: the value's keys are attributes — plain, dotted (`name.givenName`) or URN-prefixed. */
  private applyWithoutPath(document: Json, operation: PatchOperation): void {
    const value = operation.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw badRequest('invalidValue', `${operation.op} without a path needs an object value`);
    }
    for (const [key, inner] of Object.entries(value as Json)) {
      const lower = key.toLowerCase();
      if (lower === 'schemas' || lower === 'meta') continue;
      // Okta sends the resource's own id along with the change; it is not a change.
      if (lower === 'id') {
        if (String(inner) !== this.resourceId) throw badRequest('mutability', 'id cannot be changed');
        continue;
      }
      const extension = membersOf(this.definition).find((member): member is Definition => isExtension(member) && member.id.toLowerCase() === lower);
      if (extension) {
        if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) throw badRequest('invalidValue', `${key} needs an object value`);
        for (const [attribute, extensionValue] of Object.entries(inner as Json)) {
          this.applyWithPath(document, { op: operation.op, path: `${extension.id}:${attribute}`, value: extensionValue });
        }
        continue;
      }
      this.applyWithPath(document, { op: operation.op, path: key, value: inner });
    }
  }

  private applyWithPath(document: Json, operation: PatchOperation): void {
    const { path, filter, sub: filterSub } = parsePath(operation.path!);
    const { container, attribute, key } = this.target(document, path);
    const sub = filterSub ?? (filter ? undefined : path.sub);
    const subAttribute = sub ? this.subAttribute(attribute, sub, operation.path!) : undefined;
    const subKey = subAttribute?.name;

    if (filter) {
      if (!attribute.config.multiValued) throw badRequest('invalidPath', `${attribute.name} is not multi-valued; it cannot take a [filter]`);
      const list = Array.isArray(container[key]) ? (container[key] as Json[]) : [];
      const selected = list.filter((element) => matches(element, filter));
      if (operation.op === 'remove') {
        container[key] = subKey ? list.map((element) => (selected.includes(element) ? omit(element, subKey) : element)) : list.filter((element) => !selected.includes(element));
        return;
      }
      if (selected.length === 0) {
        // Entra adds a missing email as `emails[type eq "work"].value`: create the element the filter describes.
        const seed = equalities(filter);
        if (!seed || !subKey) throw badRequest('noTarget', `No value of ${attribute.name} matches the filter in "${operation.path}"`);
        container[key] = [...list, { ...seed, [subKey]: operation.value }];
        return;
      }
      container[key] = list.map((element) => {
        if (!selected.includes(element)) return element;
        if (subKey) return { ...element, [subKey]: operation.value };
        return { ...element, ...asObject(operation.value, attribute.name) };
      });
      return;
    }

    if (subKey) {
      // `name.givenName`, `manager.value`: a sub-attribute of a single complex attribute.
      const current = (container[key] && typeof container[key] === 'object' && !Array.isArray(container[key]) ? container[key] : {}) as Json;
      container[key] = operation.op === 'remove' ? omit(current, subKey) : { ...current, [subKey]: operation.value };
      return;
    }

    if (operation.op === 'remove') {
      if (attribute.config.multiValued && operation.value !== undefined) {
        // Entra: remove listed values, `{"op":"Remove","path":"emails","value":[{"value":"a@x"}]}`.
        const doomed = (Array.isArray(operation.value) ? operation.value : [operation.value]).map((item) => valueOf(item));
        const list = Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
        container[key] = list.filter((element) => !doomed.includes(valueOf(element)));
        return;
      }
      delete container[key];
      return;
    }
    if (attribute.config.multiValued) {
      const values = Array.isArray(operation.value) ? operation.value : [operation.value];
      if (operation.op === 'replace') container[key] = values;
      else {
        const list = Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
        // RFC 7644 §3.5.2.1: a value already present is not added twice.
        const known = new Set(list.map((element) => JSON.stringify(valueOf(element))));
        container[key] = [...list, ...values.filter((item) => !known.has(JSON.stringify(valueOf(item))))];
      }
      return;
    }
    if (attribute.type === 'complex' && typeof operation.value === 'object' && operation.value !== null && !Array.isArray(operation.value)) {
      // RFC 7644 §3.5.2.3: sub-attributes left out of a complex value stay as they are.
      const current = (container[key] && typeof container[key] === 'object' ? container[key] : {}) as Json;
      container[key] = { ...current, ...(operation.value as Json) };
      return;
    }
    container[key] = operation.value;
  }

  /** Where an attribute lives in the document (core or extension object) and its canonical name. */
  private target(document: Json, path: AttrPath): { container: Json; attribute: Attribute; key: string } {
    const schema = path.schema && path.schema !== this.coreSchema ? path.schema : undefined;
    let definition = this.definition;
    let container = document;
    if (schema) {
      const extension = membersOf(this.definition).find((member): member is Definition => isExtension(member) && member.id === schema);
      if (!extension) throw badRequest('invalidPath', `${schema} is not a schema of this resource`);
      definition = extension;
      const existing = keyOf(document, schema);
      container = (existing ? document[existing] : (document[schema] = {})) as Json;
    }
    const attribute = membersOf(definition).find((member): member is Attribute => !isExtension(member) && member.name.toLowerCase() === path.attr.toLowerCase());
    if (!attribute) throw badRequest('invalidPath', `"${path.attr}" is not an attribute of ${schema ?? this.coreSchema}`);
    if (attribute.config.mutable === false || attribute.config.direction === 'out' || attribute.name === 'id' || attribute.name === 'meta') {
      throw badRequest('mutability', `${attribute.name} is read-only`);
    }
    const key = keyOf(container, attribute.name);
    if (key !== undefined && key !== attribute.name) {
      container[attribute.name] = container[key];
      delete container[key];
    }
    return { container, attribute, key: attribute.name };
  }

  private subAttribute(attribute: Attribute, name: string, path: string): Attribute {
    const sub = ((attribute.subAttributes ?? []) as Attribute[]).find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
    if (!sub) throw badRequest('invalidPath', `"${path}": ${attribute.name} has no sub-attribute "${name}"`);
    return sub;
  }
}

function omit(object: Json, key: string): Json {
  const { [key]: _removed, ...rest } = object;
  return rest;
}

function asObject(value: unknown, name: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('invalidValue', `${name} needs an object value`);
  return value as Json;
}

/** A multi-valued element's identity: its `value` when it has one. */
function valueOf(element: unknown): unknown {
  if (element && typeof element === 'object' && !Array.isArray(element)) {
    const key = keyOf(element as Json, 'value');
    if (key !== undefined) {
      const value = (element as Json)[key];
      return typeof value === 'string' ? value.toLowerCase() : value;
    }
  }
  return typeof element === 'string' ? element.toLowerCase() : element;
}
