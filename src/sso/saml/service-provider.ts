import type { CacheProvider, SamlConfig } from '@node-saml/node-saml';
import type { Knex } from 'knex';
import { inTransaction } from '../../db/transaction.js';
import { findSamlRequestCreatedAt, rememberSamlRequest } from '../../org/sso-connections/saml-state.service.js';
import type { SsoConnection } from '../../org/sso-connections/types.js';

/** Roster's side of one Organization's SAML connection: the values an admin pastes into the IdP. */
export interface ServiceProvider {
  entityId: string;
  acsUrl: string;
  loginUrl: string;
  metadataUrl: string;
  nameIdFormat: string;
}

const emailNameIdFormat = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

/** How far the IdP's clock may be from Roster's: node-saml's window checks and Roster's own use it. */
export const acceptedClockSkewMs = 90_000;

/** How long an AuthnRequest's id waits for its response. */
const requestLifetimeMs = 10 * 60_000;

export function serviceProviderOf(publicUrl: string, organizationId: string, connection?: Pick<SsoConnection, 'nameIdFormat'>): ServiceProvider {
  const base = `${publicUrl}/sso/${organizationId}`;
  return {
    entityId: `${base}/metadata`,
    acsUrl: `${base}/acs`,
    loginUrl: `${base}/login`,
    metadataUrl: `${base}/metadata`,
    nameIdFormat: connection?.nameIdFormat ?? emailNameIdFormat,
  };
}

/**
 * AuthnRequest ids in PostgreSQL, namespaced by Organization, so any instance can
 * finish a sign-in another started. node-saml reads them here; Roster consumes
 * them itself, atomically, once the whole response is accepted (removeAsync is
 * therefore a no-op: a forged response must not be able to burn a real request).
 */
export function samlRequestStore(db: Knex, organizationId: string): CacheProvider {
  return {
    async saveAsync(key, value) {
      await inTransaction(db, (tx) => rememberSamlRequest(tx, organizationId, key, requestLifetimeMs / 1000));
      return { value, createdAt: Date.now() };
    },
    async getAsync(key) {
      const createdAt = await inTransaction(db, (tx) => findSamlRequestCreatedAt(tx, organizationId, key));
      return createdAt ? createdAt.toISOString() : null;
    },
    async removeAsync() {
      return null;
    },
  };
}

/**
 * node-saml's options for this connection, set as SAML-NOTES asks rather than
 * left to defaults: explicit issuer and audience, the IdP's certificates (several
 * during rotation), a signature over the Response or the Assertion required,
 * InResponseTo required unless IdP-initiated sign-in is on, bounded clock skew
 * and assertion age, SHA-256.
 */
export function samlOptionsFor(connection: SsoConnection, sp: ServiceProvider, requests: CacheProvider): SamlConfig {
  return {
    entryPoint: connection.ssoUrl,
    issuer: sp.entityId,
    audience: sp.entityId,
    callbackUrl: sp.acsUrl,
    idpCert: connection.certificates,
    identifierFormat: sp.nameIdFormat,
    wantAuthnResponseSigned: false,
    wantAssertionsSigned: false,
    validateInResponseTo: connection.idpInitiatedEnabled ? 'ifPresent' : 'always',
    requestIdExpirationPeriodMs: requestLifetimeMs,
    acceptedClockSkewMs,
    maxAssertionAgeMs: 10 * 60_000,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    disableRequestedAuthnContext: true,
    cacheProvider: requests,
  } as SamlConfig;
}
