import { badRequest } from './errors.js';
import { FilterSyntaxError, parseAttrPath, type AttrPath } from './filter.js';
import { allSchemas } from './filter-map.js';
import { keyOf as findKey } from './json.js';

type Json = Record<string, unknown>;

/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9). Attributes
 * returned "always" (`id`, and the `schemas` envelope) survive both. Built
 * once per request; `wants` tells the route what it need not load at all.
 */
export class Projection {
  private constructor(
    private readonly coreSchema: string,
    private readonly include: AttrPath[] | undefined,
    private readonly exclude: AttrPath[],
  ) {}

  static from(coreSchema: string, attributes: unknown, excludedAttributes: unknown): Projection {
    const include = listOf('attributes', attributes);
    const exclude = listOf('excludedAttributes', excludedAttributes);
    return new Projection(coreSchema, include.length > 0 ? include : undefined, include.length > 0 ? [] : exclude);
  }

  /** Whether the top-level attribute (of the core schema) is part of the response. */
  wants(attribute: string): boolean {
    const lower = attribute.toLowerCase();
    const names = (paths: AttrPath[]) => paths.some((path) => this.isCore(path) && path.attr.toLowerCase() === lower);
    if (this.include) return names(this.include);
    return !this.exclude.some((path) => this.isCore(path) && path.attr.toLowerCase() === lower && !path.sub);
  }

  apply(resource: Json): Json {
    if (this.include) {
      const result: Json = { schemas: resource.schemas, id: resource.id };
      for (const path of this.include) copyPath(this.container(resource, path), this.container(result, path, true), path);
      return result;
    }
    if (this.exclude.length === 0) return resource;
    const result: Json = { ...resource };
    for (const path of this.exclude) {
      if (this.isCore(path) && ['id', 'schemas'].includes(path.attr.toLowerCase())) continue;
      if (!this.isCore(path) && path.attr === '') {
        delete result[path.schema!];
        continue;
      }
      const container = this.container(result, path, false, true);
      if (container) removePath(container, path);
    }
    return result;
  }

  private isCore(path: AttrPath): boolean {
    return !path.schema || path.schema === this.coreSchema;
  }

  /** The object an attribute lives in: the resource, or its extension's object. Copies on write when asked. */
  private container(resource: Json, path: AttrPath, create = false, copy = false): Json | undefined {
    if (this.isCore(path)) return resource;
    const key = path.schema!;
    const existing = resource[key] as Json | undefined;
    if (existing && copy) return (resource[key] = { ...existing });
    if (existing || !create) return existing;
    return (resource[key] = {});
  }
}

function listOf(parameter: string, value: unknown): AttrPath[] {
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  try {
    return items
      .map((item) => item.trim())
      .filter(Boolean)
      .map((item) => pathOrSchema(item));
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw badRequest('invalidValue', `${parameter}: ${error.message}`);
    throw error;
  }
}

/** An attribute path, or a whole extension named by its schema URN. */
function pathOrSchema(text: string): AttrPath {
  const schema = allSchemas.find((candidate) => candidate.toLowerCase() === text.toLowerCase());
  if (schema) return { schema, attr: '' };
  return parseAttrPath(text, allSchemas);
}

function copyPath(from: Json | undefined, to: Json | undefined, path: AttrPath): void {
  if (!from || !to) return;
  if (path.attr === '') {
    Object.assign(to, from);
    return;
  }
  const key = findKey(from, path.attr);
  if (key === undefined) return;
  const value = from[key];
  if (!path.sub) {
    to[key] = value;
    return;
  }
  if (Array.isArray(value)) {
    const existing = (Array.isArray(to[key]) ? to[key] : value.map(() => ({}))) as Json[];
    value.forEach((item: Json, index) => {
      const sub = findKey(item, path.sub!);
      if (sub !== undefined) existing[index] = { ...existing[index], [sub]: item[sub] };
    });
    to[key] = existing;
  } else if (value && typeof value === 'object') {
    const sub = findKey(value as Json, path.sub);
    if (sub !== undefined) to[key] = { ...((to[key] as Json) ?? {}), [sub]: (value as Json)[sub] };
  }
}

function removePath(container: Json, path: AttrPath): void {
  if (path.attr === '') return;
  const key = findKey(container, path.attr);
  if (key === undefined) return;
  if (!path.sub) {
    delete container[key];
    return;
  }
  const value = container[key];
  const strip = (item: Json) => {
    const sub = findKey(item, path.sub!);
    if (sub === undefined) return item;
    const { [sub]: _removed, ...rest } = item;
    return rest;
  };
  if (Array.isArray(value)) container[key] = value.map((item: Json) => strip(item));
  else if (value && typeof value === 'object') container[key] = strip(value as Json);
}
