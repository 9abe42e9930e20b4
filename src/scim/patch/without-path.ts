import type SCIMMY from 'scimmy';
import { badRequest } from '../errors.js';
import { isExtension, membersOf } from '../json.js';
import type { PatchOperation, PathOperation } from './operation.js';
import { isObject } from './values.js';

type Definition = SCIMMY.Types.SchemaDefinition;

/**
 * RFC 7644 §3.5.2.1/3 without a path: the value's keys are attributes — plain, dotted
 * (`name.givenName`) or URN-prefixed — or extension objects. Yields one operation per
 * attribute, lazily, so each applies (and may fail) before the next key is read.
 */
export function* pathOperations(definition: Definition, resourceId: string, operation: PatchOperation): Generator<PathOperation> {
  const value = operation.value;
  if (!isObject(value)) throw badRequest('invalidValue', `${operation.op} without a path needs an object value`);
  for (const [key, inner] of Object.entries(value)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas' || lower === 'meta') continue;
    // Okta sends the resource's own id along with the change; it is not a change.
    if (lower === 'id') {
      if (String(inner) !== resourceId) throw badRequest('mutability', 'id cannot be changed');
      continue;
    }
    const extension = membersOf(definition).find((member): member is Definition => isExtension(member) && member.id.toLowerCase() === lower);
    if (extension) {
      if (!isObject(inner)) throw badRequest('invalidValue', `${key} needs an object value`);
      for (const [attribute, extensionValue] of Object.entries(inner)) yield { op: operation.op, path: `${extension.id}:${attribute}`, value: extensionValue };
      continue;
    }
    yield { op: operation.op, path: key, value: inner };
  }
}
