import type { MemberChanges } from '../org/members/member-changes.service.js';
import type { MemberEntry } from '../org/lists/directory.service.js';
import type { Email, MultiValue, ProfileChanges } from '../org/members/types.js';
import type { OrganizationRole } from '../org/organizations/types.js';
import { badRequest } from './errors.js';
import { etagOf } from './http.js';
import { plain } from './json.js';
import { relaxInput } from './relax.js';
import { enterpriseSchema, rosterSchema, userDefinition, userSchema } from './schemas.js';

/** The SCIM User resource (RFC 7643 §4.1, §4.3) ⇄ Roster's member. */

export type Json = Record<string, unknown>;

function defined(entries: Record<string, unknown>): Json {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== null && value !== undefined));
}

function nonEmpty<T extends object>(value: T): T | undefined {
  return Object.keys(value).length > 0 ? value : undefined;
}

function scimEmail(email: Email): Json {
  return defined({ value: email.value, type: email.type, primary: email.primary || undefined, display: email.display });
}

/** The member as a SCIM User. Attributes without a value are left out (RFC 7643 §2.5). */
export function toScimUser(entry: MemberEntry, baseUrl: string): Json {
  const location = `${baseUrl}/Users/${entry.id}`;
  const enterprise = defined({
    employeeNumber: entry.enterprise.employeeNumber,
    costCenter: entry.enterprise.costCenter,
    organization: entry.enterprise.organization,
    division: entry.enterprise.division,
    department: entry.enterprise.department,
    manager: entry.enterprise.manager
      ? defined({
          value: entry.enterprise.manager.id,
          displayName: entry.enterprise.manager.displayName,
          $ref: `${baseUrl}/Users/${entry.enterprise.manager.id}`,
        })
      : undefined,
  });
  const hasEnterprise = Object.keys(enterprise).length > 0;
  const list = (values: MultiValue[]) => (values.length > 0 ? values : undefined);
  return defined({
    schemas: hasEnterprise ? [userSchema, enterpriseSchema, rosterSchema] : [userSchema, rosterSchema],
    id: entry.id,
    externalId: entry.externalId,
    userName: entry.userName,
    name: nonEmpty(defined({ ...entry.name })),
    displayName: entry.displayName,
    nickName: entry.nickName,
    profileUrl: entry.profileUrl,
    title: entry.title,
    userType: entry.userType,
    preferredLanguage: entry.preferredLanguage,
    locale: entry.locale,
    timezone: entry.timezone,
    active: entry.status === 'active',
    emails: entry.emails.length > 0 ? entry.emails.map(scimEmail) : undefined,
    phoneNumbers: list(entry.phoneNumbers),
    ims: list(entry.ims),
    photos: list(entry.photos),
    addresses: list(entry.addresses),
    groups: entry.groups?.length
      ? entry.groups.map((group) => ({ value: group.id, display: group.displayName, $ref: `${baseUrl}/Groups/${group.id}`, type: 'direct' }))
      : undefined,
    entitlements: list(entry.entitlements),
    roles: list(entry.roles),
    x509Certificates: list(entry.x509Certificates),
    [enterpriseSchema]: hasEnterprise ? enterprise : undefined,
    [rosterSchema]: { role: entry.role, seats: entry.seats },
    meta: {
      resourceType: 'User',
      created: entry.createdAt.toISOString(),
      lastModified: entry.updatedAt.toISOString(),
      location,
      version: etagOf(entry.version),
    },
  });
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function multi(value: unknown): MultiValue[] {
  return Array.isArray(value) ? (value as MultiValue[]) : [];
}

/**
 * A User body (POST, PUT, or the result of a PATCH) as the complete set of
 * changes it stands for: every profile attribute it leaves out is cleared.
 * The body is first relaxed for what IdPs really send, then validated and
 * coerced by scimmy against the declared schemas.
 */
export function fromScimUser(body: unknown): MemberChanges & { profile: ProfileChanges & { userName: string } } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('invalidSyntax', 'The request body must be a JSON object');
  let user: Json;
  try {
    user = plain(userDefinition.coerce(relaxInput(body as Json, userDefinition), 'in'));
  } catch (error) {
    if (error instanceof TypeError) throw badRequest('invalidValue', error.message);
    throw error;
  }
  const name = (user.name ?? {}) as Json;
  const enterprise = (user[enterpriseSchema] ?? {}) as Json;
  const roster = (user[rosterSchema] ?? {}) as Json;
  const manager = enterprise.manager as Json | undefined;
  const profile: ProfileChanges & { userName: string } = {
    userName: String(user.userName),
    externalId: text(user.externalId),
    name: {
      formatted: text(name.formatted),
      givenName: text(name.givenName),
      familyName: text(name.familyName),
      middleName: text(name.middleName),
      honorificPrefix: text(name.honorificPrefix),
      honorificSuffix: text(name.honorificSuffix),
    },
    displayName: text(user.displayName),
    nickName: text(user.nickName),
    profileUrl: text(user.profileUrl),
    title: text(user.title),
    userType: text(user.userType),
    preferredLanguage: text(user.preferredLanguage),
    locale: text(user.locale),
    timezone: text(user.timezone),
    emails: multi(user.emails).map((email) => ({
      value: String(email.value ?? ''),
      type: text(email.type),
      primary: email.primary === true,
      display: text(email.display),
    })),
    phoneNumbers: multi(user.phoneNumbers),
    ims: multi(user.ims),
    photos: multi(user.photos),
    addresses: multi(user.addresses),
    entitlements: multi(user.entitlements),
    roles: multi(user.roles),
    x509Certificates: multi(user.x509Certificates),
    enterprise: {
      employeeNumber: text(enterprise.employeeNumber),
      costCenter: text(enterprise.costCenter),
      organization: text(enterprise.organization),
      division: text(enterprise.division),
      department: text(enterprise.department),
      manager: manager?.value ? { id: String(manager.value), displayName: text(manager.displayName) } : null,
    },
  };
  return {
    profile,
    ...(typeof user.active === 'boolean' ? { active: user.active } : {}),
    ...(typeof roster.role === 'string' ? { role: roster.role.toLowerCase() as OrganizationRole } : {}),
    ...(Array.isArray(roster.seats) ? { seats: roster.seats.map(String) } : {}),
  };
}

/**
 * The User a PATCH produced (RFC 7644 §3.5.2), as changes. Unlike a POST or PUT body,
 * it started as the complete resource, so an attribute missing from it was removed, or
 * replaced with null, which RFC 7643 §2.5 makes the same: unassigned.
 * - Roster extension `role`: unassigned is the default role, `member` (subject to the
 *   last-Admin rule like any demotion).
 * - `seats`: unassigned is no seats; every seat held is released.
 * - `active`: RFC 7643 §4.1.1 gives it no default and leaves its meaning to the service
 *   provider; in Roster every member is either active or suspended, so it cannot be
 *   unassigned. Removing it is refused as incompatible with the attribute (RFC 7644
 *   §3.5.2: 400 `mutability`) rather than guessing a state the client did not name.
 */
export function fromPatchedScimUser(document: Json): ReturnType<typeof fromScimUser> {
  const changes = fromScimUser(document);
  if (changes.active === undefined)
    throw badRequest('mutability', 'active cannot be removed or set to null: a member is always either active (true) or suspended (false)');
  return { ...changes, role: changes.role ?? 'member', seats: changes.seats ?? [] };
}
