import { InvalidInputError } from '../../errors.js';
import { attributeMappingFields, type AttributeMapping, type AttributeMappingField, type SsoSettings } from './types.js';
import { requireProduct, requireText } from '../organizations/validation.js';

/**
 * Input rules of an SSO connection. The SAML adapter has already parsed metadata and checked
 * each certificate as X.509 (`normaliseCertificate`); the domain checks what it stores: shapes,
 * counts and lengths, whatever adapter the input came through.
 */

const maxCertificates = 5;
const maxAutoSeatProducts = 20;
const maxClaimNamesPerField = 10;
const maxClaimNameLength = 512;
/** A 4096-bit RSA certificate with a long chain of extensions is under 3 KB of base64. */
const maxCertificateLength = 16 * 1024;
const maxUrlLength = 2048;

const controlCharacters = /[\u0000-\u001f\u007f]/;
const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function requireEntityId(value: unknown): string {
  const entityId = typeof value === 'string' ? value.trim() : '';
  if (entityId === '' || entityId.length > 1024 || controlCharacters.test(entityId)) {
    throw new InvalidInputError('invalid_entity_id', "The IdP's entity id is required: at most 1024 characters, no control characters", {
      field: 'idpEntityId',
    });
  }
  return entityId;
}

/**
 * Whether an IdP endpoint may be used: https, or plain http on a loopback host
 * (localhost, 127.0.0.0/8, ::1) — a test IdP on the same machine, as in the
 * README's walk-through. A loopback address never leaves the machine, so http
 * there exposes nothing to the network; any other http endpoint is refused.
 */
export function isAcceptableIdpEndpoint(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  if (url.protocol !== 'http:') return false;
  const host = url.hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The IdP's SSO endpoint: absolute https (http on loopback only), no credentials in it (they would end up in every redirect). */
export function requireSsoUrl(value: unknown): string {
  const refuse = (why: string): never => {
    throw new InvalidInputError('invalid_sso_url', `The IdP's SSO URL ${why}`, { field: 'ssoUrl' });
  };
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') refuse('is required');
  if (text.length > maxUrlLength) refuse(`must be at most ${maxUrlLength} characters`);
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    refuse('must be an absolute URL');
  }
  if (!isAcceptableIdpEndpoint(url!)) refuse('must use https (http only on localhost)');
  if (url!.username || url!.password) refuse('must not contain a user name or password');
  return text;
}

/** 1 to 5 distinct base64 DER certificates, in the order given (duplicates dropped). */
export function requireCertificates(value: unknown): string[] {
  const refuse = (why: string): never => {
    throw new InvalidInputError('invalid_certificates', `Signing certificates: ${why}`, { field: 'certificates' });
  };
  if (!Array.isArray(value)) return refuse('a list of 1 to 5 base64 certificates is required');
  const certificates = [...new Set(value as unknown[])];
  if (certificates.length === 0 || certificates.length > maxCertificates) refuse(`between 1 and ${maxCertificates} are needed, got ${certificates.length}`);
  for (const [index, certificate] of certificates.entries()) {
    if (typeof certificate !== 'string' || certificate.length > maxCertificateLength || !base64.test(certificate) || certificate.length % 4 !== 0) {
      refuse(`certificate ${index + 1} is not base64 DER (no PEM armour, no whitespace)`);
    }
  }
  return certificates as string[];
}

/** The `enabled` switch given with the IdP's settings: true, false, or absent (leave it as it is; off for a new connection). */
export function optionalEnabled(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new InvalidInputError('invalid_value', 'enabled must be true or false', { field: 'enabled' });
  return value;
}

export function optionalNameIdFormat(value: unknown): string | null {
  return value === undefined || value === null ? null : requireText('nameIdFormat', value);
}

/** Only the known fields, each 1 to 10 distinct claim names; an absent field falls back to the defaults. */
export function requireAttributeMapping(value: unknown): Partial<AttributeMapping> {
  if (value === undefined || value === null) return {};
  const refuse = (why: string, field?: string): never => {
    throw new InvalidInputError('invalid_attribute_mapping', `Attribute mapping: ${why}`, { field: field ? `attributeMapping.${field}` : 'attributeMapping' });
  };
  if (typeof value !== 'object' || Array.isArray(value)) return refuse(`an object with the fields ${attributeMappingFields.join(', ')}`);
  const mapping: Partial<AttributeMapping> = {};
  for (const [field, names] of Object.entries(value)) {
    if (!attributeMappingFields.includes(field as AttributeMappingField))
      refuse(`unknown field "${field}"; the fields are ${attributeMappingFields.join(', ')}`, field);
    if (names === undefined) continue;
    if (!Array.isArray(names)) return refuse(`${field} must be a list of claim names`, field);
    const trimmed = (names as unknown[]).map((name) => (typeof name === 'string' ? name.trim() : ''));
    if (trimmed.some((name) => name === '' || name.length > maxClaimNameLength || controlCharacters.test(name))) {
      refuse(`${field}: a claim name is a non-empty string of at most ${maxClaimNameLength} characters`, field);
    }
    const unique = [...new Set(trimmed)];
    if (unique.length === 0 || unique.length > maxClaimNamesPerField) refuse(`${field} needs 1 to ${maxClaimNamesPerField} claim names`, field);
    mapping[field as AttributeMappingField] = unique;
  }
  return mapping;
}

const booleanSettings = ['enabled', 'jitEnabled', 'idpInitiatedEnabled', 'enforced', 'autoAssignSeats'] as const;

/** The switches named in `settings`, checked; products de-duplicated in the order given. */
export function requireSsoSettings(settings: unknown): Partial<SsoSettings> {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new InvalidInputError('invalid_value', 'SSO settings must be an object', { field: 'settings' });
  }
  const checked: Partial<SsoSettings> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if (booleanSettings.includes(key as (typeof booleanSettings)[number])) {
      if (typeof value !== 'boolean') throw new InvalidInputError('invalid_value', `${key} must be true or false`, { field: key });
      checked[key as (typeof booleanSettings)[number]] = value;
    } else if (key === 'autoSeatProducts') {
      checked.autoSeatProducts = requireAutoSeatProducts(value);
    } else {
      throw new InvalidInputError('invalid_value', `Unknown SSO setting "${key}"`, { field: key });
    }
  }
  return checked;
}

function requireAutoSeatProducts(value: unknown): string[] {
  if (!Array.isArray(value)) throw new InvalidInputError('invalid_value', 'autoSeatProducts must be a list of product names', { field: 'autoSeatProducts' });
  const products = [...new Set((value as unknown[]).map(requireProduct))];
  if (products.length > maxAutoSeatProducts) {
    throw new InvalidInputError('invalid_value', `autoSeatProducts names at most ${maxAutoSeatProducts} products`, { field: 'autoSeatProducts' });
  }
  return products;
}
