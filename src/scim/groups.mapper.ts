import type { GroupEntry } from '../org/lists/directory.service.js';
import type { GroupStep } from '../org/groups/groups.service.js';
import { badRequest } from './errors.js';
import type { FilterNode } from './filter.js';
import { parsePath, type PatchOperation } from './patch.js';
import { groupDefinition, groupSchema } from './schemas.js';
import { etagOf } from './http.js';
import { keyOf, plain } from './json.js';

type Json = Record<string, unknown>;

/** The SCIM Group resource (RFC 7643 §4.2) ⇄ Roster's group. */

export function toScimGroup(entry: GroupEntry, baseUrl: string): Json {
  return {
    schemas: [groupSchema],
    id: entry.id,
    ...(entry.externalId ? { externalId: entry.externalId } : {}),
    displayName: entry.displayName,
    ...(entry.members
      ? { members: entry.members.map((member) => ({ value: member.id, display: member.display, $ref: `${baseUrl}/Users/${member.id}`, type: 'User' })) }
      : {}),
    meta: {
      resourceType: 'Group',
      created: entry.createdAt.toISOString(),
      lastModified: entry.updatedAt.toISOString(),
      location: `${baseUrl}/Groups/${entry.id}`,
      version: etagOf(entry.version),
    },
  };
}

/** Member references `[{ "value": id }, …]` (or one object) as ids. Members are checked against the Organization later. */
function memberIds(value: unknown, context: string): string[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, index) => {
    const reference = typeof item === 'object' && item !== null ? (item as Json)[keyOf(item as Json, 'value') ?? 'value'] : undefined;
    if (typeof reference !== 'string' || reference.trim() === '') {
      throw badRequest('invalidValue', `${context}: member ${index + 1} needs a "value" with the member's id`);
    }
    return reference.trim();
  });
}

export interface GroupInput {
  displayName: string;
  externalId: string | null;
  memberIds: string[];
}

/**
 * A Group body (POST, PUT). scimmy validates everything but `members`: a
 * push of 100,000 members is validated here in one pass instead of coercing
 * each reference through the schema machinery.
 */
export function fromScimGroup(body: unknown): GroupInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('invalidSyntax', 'The request body must be a JSON object');
  const { [keyOf(body as Json, 'members') ?? 'members']: members, ...rest } = body as Json;
  let group: Json;
  try {
    group = plain(groupDefinition.coerce(rest, 'in'));
  } catch (error) {
    if (error instanceof TypeError) throw badRequest('invalidValue', error.message);
    throw error;
  }
  const displayName = typeof group.displayName === 'string' ? group.displayName.trim() : '';
  if (!displayName) throw badRequest('invalidValue', 'displayName is required');
  return { displayName, externalId: typeof group.externalId === 'string' ? group.externalId : null, memberIds: memberIds(members, 'members') };
}

/** `members[value eq "a"]`, or several joined by `or`: the ids it names. */
function idsInFilter(filter: FilterNode): string[] {
  if (filter.kind === 'or') return [...idsInFilter(filter.left), ...idsInFilter(filter.right)];
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.path.attr.toLowerCase() === 'value' && typeof filter.value === 'string') return [filter.value];
  throw badRequest('invalidFilter', 'Members are selected by value: members[value eq "<id>"]');
}

/**
 * Group PATCH operations (RFC 7644 §3.5.2) as steps of one group change.
 * Member operations stay deltas — never a read-modify-write of the whole group.
 */
export function groupSteps(operations: PatchOperation[], groupId: string): GroupStep[] {
  const steps: GroupStep[] = [];
  for (const operation of operations) {
    if (!operation.path) {
      const value = operation.value;
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw badRequest('invalidValue', `${operation.op} without a path needs an object value`);
      for (const [key, inner] of Object.entries(value as Json)) {
        const attribute = key.toLowerCase().replace(`${groupSchema.toLowerCase()}:`, '');
        if (attribute === 'id') {
          if (String(inner) !== groupId) throw badRequest('mutability', 'id cannot be changed');
          continue;
        }
        if (attribute === 'schemas' || attribute === 'meta') continue;
        steps.push(...attributeSteps(operation.op, attribute, inner, undefined));
      }
      continue;
    }
    const { path, filter, sub } = parsePath(operation.path);
    if (path.schema && path.schema !== groupSchema) throw badRequest('invalidPath', `${path.schema} is not a schema of Group`);
    if (sub || (path.sub && path.attr.toLowerCase() !== 'members')) throw badRequest('invalidPath', `"${operation.path}" cannot be changed`);
    steps.push(...attributeSteps(operation.op, path.attr.toLowerCase(), operation.value, filter, operation.path));
  }
  return steps;
}

function attributeSteps(op: PatchOperation['op'], attribute: string, value: unknown, filter: FilterNode | undefined, path = attribute): GroupStep[] {
  switch (attribute) {
    case 'displayname':
      if (op === 'remove') throw badRequest('mutability', 'displayName is required and cannot be removed');
      if (typeof value !== 'string') throw badRequest('invalidValue', 'displayName must be a string');
      return [{ rename: value }];
    case 'externalid':
      if (op === 'remove') return [{ externalId: null }];
      if (value !== null && typeof value !== 'string') throw badRequest('invalidValue', 'externalId must be a string');
      return [{ externalId: value }];
    case 'members':
      if (filter) {
        if (op !== 'remove') throw badRequest('invalidPath', `"${path}": members can only be removed by filter; add or replace them by value`);
        return [{ removeMembers: idsInFilter(filter) }];
      }
      if (op === 'add') return [{ addMembers: memberIds(value, path) }];
      if (op === 'replace') return [{ replaceMembers: memberIds(value, path) }];
      // Entra: `{"op":"Remove","path":"members","value":[{"value":"<id>"}]}`; without a value, every member goes.
      return value === undefined ? [{ replaceMembers: [] }] : [{ removeMembers: memberIds(value, path) }];
    default:
      throw badRequest('invalidPath', `"${path}" is not an attribute of Group that can be changed`);
  }
}
