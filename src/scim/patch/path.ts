import type SCIMMY from 'scimmy';
import { badRequest } from '../errors.js';
import { FilterSyntaxError, parsePatchPath, type AttrPath, type FilterNode } from '../filter.js';
import { allSchemas } from '../filter-map.js';
import { isExtension, keyOf, membersOf, type Json } from '../json.js';

type Attribute = SCIMMY.Types.Attribute;
type Definition = SCIMMY.Types.SchemaDefinition;

export function parsePath(text: string): { path: AttrPath; filter?: FilterNode; sub?: string } {
  try {
    return parsePatchPath(text, allSchemas);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw badRequest('invalidPath', error.message);
    throw error;
  }
}

/** Where an operation's path points in a document, checked against the schema before anything changes. */
export interface Target {
  /** The object holding the attribute: the document, or its extension object. */
  container: Json;
  /** The attribute's name as the schema spells it, also its key in `container`. */
  key: string;
  attribute: Attribute;
  /** `emails[type eq "work"]`: which values of a multi-valued attribute. */
  filter?: FilterNode;
  /** `name.givenName`, `emails[…].value`: the sub-attribute, as the schema spells it. */
  subKey?: string;
  /** The path as sent, for messages. */
  path: string;
}

export function resolveTarget(definition: Definition, coreSchema: string, document: Json, text: string): Target {
  const { path, filter, sub: filterSub } = parsePath(text);
  const { container, attribute } = locate(definition, coreSchema, document, path);
  const sub = filterSub ?? (filter ? undefined : path.sub);
  const subKey = sub ? subAttribute(attribute, sub, text).name : undefined;
  if (filter && !attribute.config.multiValued) throw badRequest('invalidPath', `${attribute.name} is not multi-valued; it cannot take a [filter]`);
  return { container, key: attribute.name, attribute, filter, subKey, path: text };
}

/** Where an attribute lives in the document (core or extension object); its key is renamed to the canonical name. */
function locate(definition: Definition, coreSchema: string, document: Json, path: AttrPath): { container: Json; attribute: Attribute } {
  const schema = path.schema && path.schema !== coreSchema ? path.schema : undefined;
  const extension = schema ? extensionOf(definition, schema) : undefined;
  const container = schema ? extensionObject(document, schema) : document;
  const attribute = membersOf(extension ?? definition).find(
    (member): member is Attribute => !isExtension(member) && member.name.toLowerCase() === path.attr.toLowerCase(),
  );
  if (!attribute) throw badRequest('invalidPath', `"${path.attr}" is not an attribute of ${schema ?? coreSchema}`);
  if (attribute.config.mutable === false || attribute.config.direction === 'out' || attribute.name === 'id' || attribute.name === 'meta') {
    throw badRequest('mutability', `${attribute.name} is read-only`);
  }
  const key = keyOf(container, attribute.name);
  if (key !== undefined && key !== attribute.name) {
    container[attribute.name] = container[key];
    delete container[key];
  }
  return { container, attribute };
}

function extensionOf(definition: Definition, schema: string): Definition {
  const extension = membersOf(definition).find((member): member is Definition => isExtension(member) && member.id === schema);
  if (!extension) throw badRequest('invalidPath', `${schema} is not a schema of this resource`);
  return extension;
}

/** The document's object for an extension schema, created empty when it has none. */
function extensionObject(document: Json, schema: string): Json {
  const existing = keyOf(document, schema);
  return (existing ? document[existing] : (document[schema] = {})) as Json;
}

function subAttribute(attribute: Attribute, name: string, path: string): Attribute {
  const sub = ((attribute.subAttributes ?? []) as Attribute[]).find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (!sub) throw badRequest('invalidPath', `"${path}": ${attribute.name} has no sub-attribute "${name}"`);
  return sub;
}
