import type { AttributeMapping, AttributeMappingField } from '../../org/sso-connections/types.js';

/**
 * From a verified assertion's NameID and attributes to the profile fields Roster uses. node-saml
 * maps only `mail` and its OID to an email and leaves every other claim in `attributes` (see
 * SAML-NOTES), so Roster reads them itself: the Organization's mapping first, then the names
 * Okta, Microsoft Entra ID, Google, OneLogin, ADFS and LDAP-style IdPs commonly send.
 */

/** The names each field is looked for under when the Organization's mapping does not find it. */
export const defaultAttributeMapping: Readonly<Record<AttributeMappingField, readonly string[]>> = deepFreeze({
  email: [
    'email',
    'mail',
    'emailaddress',
    'urn:oid:0.9.2342.19200300.100.1.3',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
    // ADFS's short claim type; OneLogin's default parameter name; PKCS #9 emailAddress (Shibboleth).
    'http://schemas.xmlsoap.org/claims/EmailAddress',
    'User.email',
    'urn:oid:1.2.840.113549.1.9.1',
  ],
  givenName: [
    'firstName',
    'givenName',
    'given_name',
    'first_name',
    'User.FirstName',
    'urn:oid:2.5.4.42',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  ],
  familyName: [
    'lastName',
    'surname',
    'sn',
    'family_name',
    'last_name',
    'User.LastName',
    'urn:oid:2.5.4.4',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  ],
  displayName: ['displayName', 'name', 'urn:oid:2.16.840.1.113730.3.1.241', 'http://schemas.microsoft.com/identity/claims/displayname'],
  groups: ['groups', 'memberOf', 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups'],
});

/** saml-core §8.3.2. Some IdPs put the 2.0 prefix on it; the meaning is the same. */
const emailNameIdFormats = new Set(['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', 'urn:oasis:names:tc:SAML:2.0:nameid-format:emailAddress']);

export interface SamlProfile {
  email?: string;
  givenName?: string;
  familyName?: string;
  displayName?: string;
  groups: string[];
}

const maxEmailLength = 320;
const maxNameLength = 256;
const maxGroupNameLength = 512;
const maxGroups = 1000;

/**
 * The profile an assertion describes. Each field comes from the first attribute name, in the
 * Organization's mapping then the defaults, that has a usable value; a name matches exactly,
 * else case-insensitively. Single-valued fields take the first non-empty value; names are cut
 * to 256 characters; an email longer than 320 characters or without "@" is no email. When no
 * attribute gives an email and the NameID's format is emailAddress, the NameID is the email.
 */
export function profileFromClaims(
  nameId: string,
  nameIdFormat: string | undefined,
  attributes: Record<string, unknown>,
  mapping: Partial<AttributeMapping>,
): SamlProfile {
  const claims = new Claims(attributes);
  const namesOf = (field: AttributeMappingField) => {
    const own = mapping[field];
    return [...new Set([...(Array.isArray(own) ? own : []), ...defaultAttributeMapping[field]])];
  };
  const first = (field: AttributeMappingField, accept: (value: string) => boolean): string | undefined => {
    for (const name of namesOf(field)) {
      const value = claims.valuesOf(name).find(accept);
      if (value !== undefined) return value;
    }
    return undefined;
  };

  const nameIdEmail = nameIdFormat !== undefined && emailNameIdFormats.has(nameIdFormat) && typeof nameId === 'string' ? nameId.trim() : undefined;
  const email = first('email', isEmailLike) ?? (nameIdEmail !== undefined && isEmailLike(nameIdEmail) ? nameIdEmail : undefined);
  const givenName = first('givenName', () => true);
  const familyName = first('familyName', () => true);
  const displayName = first('displayName', () => true);

  return {
    ...(email !== undefined ? { email } : {}),
    ...(givenName !== undefined ? { givenName: cut(givenName, maxNameLength) } : {}),
    ...(familyName !== undefined ? { familyName: cut(familyName, maxNameLength) } : {}),
    ...(displayName !== undefined ? { displayName: cut(displayName, maxNameLength) } : {}),
    groups: groupsOf(namesOf('groups'), claims),
  };
}

/** The first group attribute with values. A group name is never cut (a cut name could be another group's): too long, it is left out. */
function groupsOf(names: string[], claims: Claims): string[] {
  for (const name of names) {
    const groups = [...new Set(claims.valuesOf(name).filter((group) => group.length <= maxGroupNameLength))];
    if (groups.length > 0) return groups.slice(0, maxGroups);
  }
  return [];
}

/** The attributes, found by exact name, else by name in any case. */
class Claims {
  private readonly byLowerCaseName = new Map<string, unknown>();

  constructor(private readonly attributes: Record<string, unknown>) {
    for (const [name, value] of Object.entries(attributes)) {
      const key = name.toLowerCase();
      if (!this.byLowerCaseName.has(key)) this.byLowerCaseName.set(key, value);
    }
  }

  /** The attribute's values, trimmed, empty ones dropped. */
  valuesOf(name: string): string[] {
    const raw = Object.hasOwn(this.attributes, name) ? this.attributes[name] : this.byLowerCaseName.get(name.toLowerCase());
    return (Array.isArray(raw) ? raw : [raw]).map(textOf).filter((value): value is string => value !== undefined && value !== '');
  }
}

/** A value as node-saml hands it over: a string, or xml2js's `{ _: text, $: attributes }` when the element had attributes. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'object' && value !== null && typeof (value as { _?: unknown })._ === 'string') return (value as { _: string })._.trim();
  return undefined;
}

/** One "@" between two parts without spaces or control characters; whether the domain is the Organization's is checked later. */
function isEmailLike(value: string): boolean {
  return value.length <= maxEmailLength && /^[^\s@\u0000-\u001f\u007f]+@[^\s@\u0000-\u001f\u007f]+$/.test(value);
}

function deepFreeze(mapping: AttributeMapping): Readonly<Record<AttributeMappingField, readonly string[]>> {
  for (const names of Object.values(mapping)) Object.freeze(names);
  return Object.freeze(mapping);
}

/** Cuts to `max` characters without splitting a surrogate pair. */
function cut(value: string, max: number): string {
  const characters = Array.from(value);
  return characters.length <= max ? value : characters.slice(0, max).join('').trim();
}
