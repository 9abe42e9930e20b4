/** An Organization's SAML connection and how its claims map onto a profile. */

/** The profile fields a SAML assertion can fill, each read from the first attribute (claim) that has a value. */
export const attributeMappingFields = ['email', 'givenName', 'familyName', 'displayName', 'groups'] as const;

export type AttributeMappingField = (typeof attributeMappingFields)[number];

/**
 * Per profile field, the SAML attribute names to read it from, in order. An Organization's
 * mapping names only the fields it overrides; the SAML adapter tries it before its defaults.
 */
export type AttributeMapping = Record<AttributeMappingField, string[]>;

/** What an admin switches on an SSO connection, apart from the IdP's own settings. */
export interface SsoSettings {
  /**
   * Sign people in through the IdP at all. Off, the connection is kept but counts as none for
   * signing in: login and ACS refuse, discovery offers nothing, `enforced` takes no effect.
   */
  enabled: boolean;
  /** Create a member on first sign-in (verified domains only). */
  jitEnabled: boolean;
  /** Accept responses the IdP sends unasked (no InResponseTo). */
  idpInitiatedEnabled: boolean;
  /** Members must sign in through the IdP; in effect only while `enabled`. */
  enforced: boolean;
  /** Give members created by sign-in a seat of each of `autoSeatProducts`. */
  autoAssignSeats: boolean;
  autoSeatProducts: string[];
}

/** An Organization's SAML IdP: at most one per Organization. */
export interface SsoConnection extends SsoSettings {
  id: string;
  organizationId: string;
  idpEntityId: string;
  /** The IdP's SingleSignOnService, https. */
  ssoUrl: string;
  /** Signing certificates, base64 DER (several during a key rotation). */
  certificates: string[];
  nameIdFormat: string | null;
  attributeMapping: Partial<AttributeMapping>;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastFailureReason: string | null;
  /** Grows by one on every change of the settings (not on sign-in outcomes); the If-Match version. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
