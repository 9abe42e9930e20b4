import type { Condition, Sort } from '../org/lists/search.js';
import { badRequest } from './errors.js';
import { parseAttrPath, parseFilter, FilterSyntaxError, type AttrPath, type FilterNode } from './filter.js';
import { enterpriseSchema, groupSchema, rosterSchema, userSchema } from './schemas.js';

/**
 * SCIM attribute paths → the directory's searchable fields. This whitelist is
 * the only way a client's filter or sortBy reaches SQL (RFC 7644 §3.4.2.2:
 * an unknown attribute is an `invalidFilter`).
 */

interface ResourceAttributes {
  schemas: readonly string[];
  /** `attr` or `attr.sub` (lower case) → field, per schema. */
  scalars: Record<string, Record<string, string>>;
  /** Multi-valued attributes (lower case) → collection and its sub-attributes (lower case → field). */
  collections: Record<string, Record<string, { collection: string; subs: Record<string, string> }>>;
}

const valueSubs = { value: 'value', type: 'type', primary: 'primary', display: 'display' };

const userAttributes: ResourceAttributes = {
  schemas: [userSchema, enterpriseSchema, rosterSchema],
  scalars: {
    [userSchema]: {
      id: 'id',
      externalid: 'externalId',
      username: 'userName',
      displayname: 'displayName',
      nickname: 'nickName',
      profileurl: 'profileUrl',
      title: 'title',
      usertype: 'userType',
      preferredlanguage: 'preferredLanguage',
      locale: 'locale',
      timezone: 'timezone',
      active: 'active',
      'name.formatted': 'name.formatted',
      'name.givenname': 'name.givenName',
      'name.familyname': 'name.familyName',
      'name.middlename': 'name.middleName',
      'name.honorificprefix': 'name.honorificPrefix',
      'name.honorificsuffix': 'name.honorificSuffix',
      'meta.created': 'createdAt',
      'meta.lastmodified': 'updatedAt',
    },
    [enterpriseSchema]: {
      employeenumber: 'enterprise.employeeNumber',
      costcenter: 'enterprise.costCenter',
      organization: 'enterprise.organization',
      division: 'enterprise.division',
      department: 'enterprise.department',
      manager: 'enterprise.manager.id',
      'manager.value': 'enterprise.manager.id',
      'manager.displayname': 'enterprise.manager.displayName',
    },
    [rosterSchema]: { role: 'role' },
  },
  collections: {
    [userSchema]: {
      emails: { collection: 'emails', subs: valueSubs },
      phonenumbers: { collection: 'phoneNumbers', subs: valueSubs },
      ims: { collection: 'ims', subs: valueSubs },
      photos: { collection: 'photos', subs: valueSubs },
      addresses: {
        collection: 'addresses',
        subs: {
          ...valueSubs,
          formatted: 'formatted',
          streetaddress: 'streetAddress',
          locality: 'locality',
          region: 'region',
          postalcode: 'postalCode',
          country: 'country',
        },
      },
      entitlements: { collection: 'entitlements', subs: valueSubs },
      roles: { collection: 'roles', subs: valueSubs },
      x509certificates: { collection: 'x509Certificates', subs: valueSubs },
      groups: { collection: 'groups', subs: { value: 'value', display: 'display' } },
    },
    [rosterSchema]: { seats: { collection: 'seats', subs: { value: 'value' } } },
  },
};

const groupAttributes: ResourceAttributes = {
  schemas: [groupSchema],
  scalars: {
    [groupSchema]: {
      id: 'id',
      externalid: 'externalId',
      displayname: 'displayName',
      'meta.created': 'createdAt',
      'meta.lastmodified': 'updatedAt',
    },
  },
  collections: {
    [groupSchema]: { members: { collection: 'members', subs: { value: 'value', display: 'display' } } },
  },
};

export type ResourceKind = 'User' | 'Group';

const attributesOf: Record<ResourceKind, ResourceAttributes> = { User: userAttributes, Group: groupAttributes };

/** The schemas a path may belong to: the one it names, or (bare) the core schema first, then the extensions. */
function candidateSchemas(attributes: ResourceAttributes, path: AttrPath): string[] {
  return path.schema ? [path.schema] : [...attributes.schemas];
}

function describe(path: AttrPath): string {
  return `${path.schema ? `${path.schema}:` : ''}${path.attr}${path.sub ? `.${path.sub}` : ''}`;
}

type Resolved = { field: string } | { collection: string; sub: string; subs: Record<string, string> };

function resolve(attributes: ResourceAttributes, path: AttrPath): Resolved {
  const attr = path.attr.toLowerCase();
  const key = path.sub ? `${attr}.${path.sub.toLowerCase()}` : attr;
  for (const schema of candidateSchemas(attributes, path)) {
    const field = attributes.scalars[schema]?.[key];
    if (field) return { field };
    const collection = attributes.collections[schema]?.[attr];
    if (collection) {
      const sub = path.sub ? collection.subs[path.sub.toLowerCase()] : 'value';
      if (!sub) break;
      return { collection: collection.collection, sub, subs: collection.subs };
    }
  }
  throw badRequest('invalidFilter', `Unknown or unfilterable attribute "${describe(path)}"`);
}

function toCondition(attributes: ResourceAttributes, node: FilterNode): Condition {
  switch (node.kind) {
    case 'and':
      return { all: [toCondition(attributes, node.left), toCondition(attributes, node.right)] };
    case 'or':
      return { any: [toCondition(attributes, node.left), toCondition(attributes, node.right)] };
    case 'not':
      return { not: toCondition(attributes, node.filter) };
    case 'present': {
      const target = resolve(attributes, node.path);
      if ('field' in target) return { field: target.field, present: true };
      return node.path.sub ? { collection: target.collection, where: { field: target.sub, present: true } } : { collection: target.collection };
    }
    case 'compare': {
      const target = resolve(attributes, node.path);
      if ('field' in target) return { field: target.field, op: node.op, value: node.value };
      return { collection: target.collection, where: { field: target.sub, op: node.op, value: node.value } };
    }
    case 'valuePath': {
      const target = resolve(attributes, { ...node.path, sub: undefined });
      if ('field' in target) throw badRequest('invalidFilter', `"${describe(node.path)}" is not multi-valued; it cannot take a [filter]`);
      return { collection: target.collection, where: toInnerCondition(target.subs, node.filter, node.path) };
    }
  }
}

/** A [filter] inside a multi-valued attribute names its sub-attributes. */
function toInnerCondition(subs: Record<string, string>, node: FilterNode, outer: AttrPath): Condition {
  const sub = (path: AttrPath) => {
    const field = !path.sub && !path.schema ? subs[path.attr.toLowerCase()] : undefined;
    if (!field) throw badRequest('invalidFilter', `"${describe(outer)}" has no sub-attribute "${describe(path)}"`);
    return field;
  };
  switch (node.kind) {
    case 'and':
      return { all: [toInnerCondition(subs, node.left, outer), toInnerCondition(subs, node.right, outer)] };
    case 'or':
      return { any: [toInnerCondition(subs, node.left, outer), toInnerCondition(subs, node.right, outer)] };
    case 'not':
      return { not: toInnerCondition(subs, node.filter, outer) };
    case 'present':
      return { field: sub(node.path), present: true };
    case 'compare':
      return { field: sub(node.path), op: node.op, value: node.value };
    case 'valuePath':
      throw badRequest('invalidFilter', 'A [filter] cannot be nested inside another');
  }
}

/** A `filter` parameter as a search condition; bad syntax and unknown attributes are `invalidFilter`. */
export function filterToCondition(kind: ResourceKind, text: string): Condition {
  const attributes = attributesOf[kind];
  let node: FilterNode;
  try {
    node = parseFilter(text, allSchemas);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw badRequest('invalidFilter', error.message);
    throw error;
  }
  return toCondition(attributes, node);
}

const allSchemas = [userSchema, groupSchema, enterpriseSchema, rosterSchema];

/** `sortBy` (RFC 7644 §3.4.2.3): a single-valued attribute, or a multi-valued one by its primary value. */
export function sortFor(kind: ResourceKind, sortBy: string, sortOrder: string | undefined): Sort {
  let path: AttrPath;
  try {
    path = parseAttrPath(sortBy, allSchemas);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw badRequest('invalidValue', `sortBy: ${error.message}`);
    throw error;
  }
  let target: Resolved;
  try {
    target = resolve(attributesOf[kind], path);
  } catch {
    throw badRequest('invalidValue', `sortBy: "${sortBy}" is not an attribute Roster can sort by`);
  }
  const order = (sortOrder ?? 'ascending').toLowerCase();
  if (order !== 'ascending' && order !== 'descending') throw badRequest('invalidValue', 'sortOrder must be "ascending" or "descending"');
  if ('field' in target) return { field: target.field, descending: order === 'descending' };
  if (target.collection === 'emails' && target.sub === 'value') return { field: 'primaryEmail', descending: order === 'descending' };
  throw badRequest('invalidValue', `sortBy: "${sortBy}" is multi-valued and cannot be sorted by`);
}

export { allSchemas };
