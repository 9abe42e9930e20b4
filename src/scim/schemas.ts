import SCIMMY from 'scimmy';
import { organizationRoles } from '../org/organizations/types.js';
import { badRequest } from './errors.js';
import { field, type Json } from './json.js';

/**
 * The schemas Roster serves (RFC 7643 §4, §8.7), defined through scimmy so that
 * discovery, validation and coercion of request bodies come from one place.
 * scimmy keeps its declarations process-wide; Roster serves one base URL and
 * takes the tenant from the token, so nothing here is per request.
 */

export const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const enterpriseSchema = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** Roster's extension: the member's Organization role and product seats. */
export const rosterSchema = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
export const listResponseSchema = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const bulkResponseSchema = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

/** Limits Roster enforces and advertises in ServiceProviderConfig. */
export const limits = {
  defaultPageSize: 100,
  maxPageSize: 1000,
  bulkMaxOperations: 1000,
  /** Also the cap on every SCIM request body: a replace of a 100,000-member group fits. */
  maxPayloadSize: 8 * 1024 * 1024,
} as const;

const rosterExtension = new SCIMMY.Types.SchemaDefinition('RosterUser', rosterSchema, "The member's place in the Organization", [
  new SCIMMY.Types.Attribute('string', 'role', {
    canonicalValues: [...organizationRoles],
    caseExact: false,
    description: "The member's Organization role: admin, billing or member (default).",
  }),
  new SCIMMY.Types.Attribute('string', 'seats', {
    multiValued: true,
    caseExact: true,
    description: "Products whose seat the member holds, e.g. chat, code, api. Limited by the Organization's seat pools.",
  }),
]);

export const userDefinition = SCIMMY.Schemas.User.definition;
export const groupDefinition = SCIMMY.Schemas.Group.definition;

let declared = false;

/** Declares Roster's resource types and configuration to scimmy once per process. */
export function declareScimSchemas(): void {
  if (declared) return;
  declared = true;
  // Entra sends role types such as "WindowsAzureActiveDirectoryRole" and capitalised
  // email types ("Work"); RFC 7643 §2.3.1 makes canonical values a suggestion, so
  // Roster accepts any type label and lower-cases the ones it recognises.
  for (const name of ['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'entitlements', 'roles', 'x509Certificates']) {
    const type = userDefinition.attribute(name).subAttributes?.find((sub) => sub.name === 'type');
    if (type) type.config.canonicalValues = false;
  }
  // Resource.extend accepts a SchemaDefinition at run time (scimmy 1.3.5); its typings only name Schema classes.
  const rosterAsSchema = rosterExtension as unknown as Parameters<typeof SCIMMY.Resources.User.extend>[0];
  SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false).extend(rosterAsSchema, false));
  SCIMMY.Resources.declare(SCIMMY.Resources.Group);
  SCIMMY.Config.set({
    patch: true,
    filter: { supported: true, maxResults: limits.maxPageSize },
    sort: true,
    etag: true,
    changePassword: false,
    bulk: { supported: true, maxOperations: limits.bulkMaxOperations, maxPayloadSize: limits.maxPayloadSize },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'SCIM bearer token',
        description: "Authentication with an Organization's SCIM token: Authorization: Bearer <token>",
        primary: true,
      },
    ],
  });
}

export const canonicalTypes: Record<string, readonly string[]> = {
  emails: ['work', 'home', 'other'],
  phoneNumbers: ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
  addresses: ['work', 'home', 'other'],
  ims: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
  photos: ['photo', 'thumbnail'],
};

/**
 * A resource body (POST, PUT, and the same in /Bulk) must name its core schema
 * among its `schemas` (RFC 7643 §3: the URIs of the schemas it is built from;
 * extension URIs beside it, as Entra sends them, are fine). A body that names
 * none is read as the endpoint's resource: several IdPs leave `schemas` out.
 */
export function assertCoreSchema(body: unknown, core: string): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const schemas = field(body as Json, 'schemas');
  if (schemas === undefined || schemas === null) return;
  if (!Array.isArray(schemas) || !schemas.every((schema) => typeof schema === 'string')) {
    throw badRequest('invalidValue', '"schemas" must be a list of schema URIs');
  }
  // Schema URIs compare case-insensitively, like the attribute names they qualify (RFC 7643 §2.1).
  if (!schemas.some((schema: string) => schema.toLowerCase() === core.toLowerCase())) {
    throw badRequest('invalidValue', `"schemas" must include ${core}`);
  }
}
