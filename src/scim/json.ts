import type SCIMMY from 'scimmy';

/** Small helpers for SCIM JSON, whose attribute names are case-insensitive (RFC 7643 §2.1). */

export type Json = Record<string, unknown>;
type Attribute = SCIMMY.Types.Attribute;
type Definition = SCIMMY.Types.SchemaDefinition;

/** The key of `object` that names `name`, whatever its case. */
export function keyOf(object: Json, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

/** The value of the key that names `name`, whatever its case. */
export function field(object: Json, name: string): unknown {
  const key = keyOf(object, name);
  return key === undefined ? undefined : object[key];
}

/** A scimmy definition's attributes and, mixed in among them, its extension schemas. */
export function membersOf(definition: Definition): Array<Attribute | Definition> {
  return definition.attributes as unknown as Array<Attribute | Definition>;
}

export function isExtension(member: Attribute | Definition): member is Definition {
  return typeof (member as Definition).id === 'string' && Array.isArray((member as Definition).attributes);
}

/** Plain JSON again: scimmy's coerced values and messages are proxies and class instances. */
export function plain<T = Json>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
