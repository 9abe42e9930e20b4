import type SCIMMY from 'scimmy';
import { canonicalTypes } from './schemas.js';
import { isExtension, membersOf } from './json.js';

type Json = Record<string, unknown>;
type Attribute = SCIMMY.Types.Attribute;
type Definition = SCIMMY.Types.SchemaDefinition;

/**
 * What real IdPs send, made schema-valid before scimmy validates it
 * (SCIM-NOTES: Entra's default dialect and Okta):
 * - booleans as strings ("True", "False");
 * - `manager` as a bare id instead of `{ "value": id }`;
 * - numbers where the schema says string (employeeNumber: 7);
 * - capitalised canonical type labels ("Work");
 * - a single value where a list is expected;
 * - nulls, which mean "no value" (RFC 7643 §2.5), and read-only attributes, which are ignored on input.
 * Unknown attributes are left for scimmy, which drops them.
 */
export function relaxInput(body: Json, definition: Definition): Json {
  const result: Json = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === null || value === undefined) continue;
    const extension = membersOf(definition).find((member): member is Definition => isExtension(member) && member.id.toLowerCase() === key.toLowerCase());
    if (extension) {
      if (typeof value === 'object' && !Array.isArray(value)) result[key] = relaxInput(value as Json, extension);
      continue;
    }
    const attribute = findAttribute(definition, key);
    result[key] = attribute ? relaxValue(attribute, value) : value;
  }
  return result;
}

function findAttribute(definition: Definition, key: string): Attribute | undefined {
  const lower = key.toLowerCase();
  return membersOf(definition).find((member): member is Attribute => !isExtension(member) && member.name.toLowerCase() === lower);
}

function relaxValue(attribute: Attribute, value: unknown): unknown {
  if (attribute.config.multiValued) {
    const values = Array.isArray(value) ? value : [value];
    return values.filter((item) => item !== null && item !== undefined).map((item) => relaxSingle(attribute, item));
  }
  return relaxSingle(attribute, value);
}

function relaxSingle(attribute: Attribute, value: unknown): unknown {
  switch (attribute.type) {
    case 'boolean':
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
      return value;
    case 'string':
    case 'reference':
      return typeof value === 'number' ? String(value) : value;
    case 'complex': {
      const subAttributes = (attribute.subAttributes ?? []) as Attribute[];
      if (typeof value === 'string' && subAttributes.some((sub) => sub.name === 'value')) return { value };
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
      const result: Json = {};
      for (const [key, inner] of Object.entries(value as Json)) {
        if (inner === null || inner === undefined) continue;
        const sub = subAttributes.find((candidate) => candidate.name.toLowerCase() === key.toLowerCase());
        if (!sub) continue;
        result[sub.name] = sub.name === 'type' ? canonicalType(attribute.name, inner) : relaxSingle(sub, inner);
      }
      return result;
    }
    default:
      return value;
  }
}

function canonicalType(attributeName: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const known = canonicalTypes[attributeName]?.find((type) => type === value.toLowerCase());
  return known ?? value;
}
