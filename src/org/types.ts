/** The nouns of ARCHITECTURE.md as the domain layer sees them. No HTTP, no SCIM JSON. */

export const organizationRoles = ['admin', 'billing', 'member'] as const;
export type OrganizationRole = (typeof organizationRoles)[number];

export const workspaceRoles = ['admin', 'contributor'] as const;
export type WorkspaceRole = (typeof workspaceRoles)[number];

export type MemberStatus = 'active' | 'suspended';
/** Who owns the member's name and email: nobody (Roster), SCIM provisioning, or SAML sign-in. */
export type ManagedBy = 'none' | 'scim' | 'sso';
/** How the member joined. `bootstrap` is an Organization's first Admin. */
export type MemberSource = 'bootstrap' | 'invitation' | 'scim' | 'sso' | 'domain';

/** Who makes a change; written on every audit event. */
export type Actor =
  | { type: 'member'; id: string }
  | { type: 'scim_token'; id: string }
  | { type: 'sso'; id?: string }
  | { type: 'system'; id?: string };

export interface Organization {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface Account {
  id: string;
  email: string;
  emailVerifiedAt: Date | null;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
}

export interface Email {
  value: string;
  type?: string | null;
  primary?: boolean;
  display?: string | null;
}

/** A SCIM multi-valued attribute entry kept as given (phoneNumbers, ims, photos, entitlements, roles, x509Certificates, addresses). */
export type MultiValue = Record<string, unknown>;

interface PersonName {
  formatted: string | null;
  givenName: string | null;
  familyName: string | null;
  middleName: string | null;
  honorificPrefix: string | null;
  honorificSuffix: string | null;
}

interface Manager {
  id: string;
  displayName: string | null;
}

interface EnterpriseFields {
  employeeNumber: string | null;
  costCenter: string | null;
  organization: string | null;
  division: string | null;
  department: string | null;
  manager: Manager | null;
}

/** Everything about a member that an IdP or an admin can set (RFC 7643 §4.1 and §4.3). */
export interface MemberProfile {
  userName: string;
  externalId: string | null;
  name: PersonName;
  displayName: string | null;
  nickName: string | null;
  profileUrl: string | null;
  title: string | null;
  userType: string | null;
  preferredLanguage: string | null;
  locale: string | null;
  timezone: string | null;
  emails: Email[];
  phoneNumbers: MultiValue[];
  ims: MultiValue[];
  photos: MultiValue[];
  addresses: MultiValue[];
  entitlements: MultiValue[];
  roles: MultiValue[];
  x509Certificates: MultiValue[];
  enterprise: EnterpriseFields;
}

/** A change to a profile: absent fields stay, `null` clears. Nested objects are merged field by field. */
export type ProfileChanges = Partial<Omit<MemberProfile, 'name' | 'enterprise'>> & {
  name?: Partial<PersonName>;
  enterprise?: Partial<EnterpriseFields>;
};

export interface Member extends MemberProfile {
  id: string;
  organizationId: string;
  accountId: string | null;
  role: OrganizationRole;
  status: MemberStatus;
  managedBy: ManagedBy;
  source: MemberSource;
  /** Grows by one on every change of the member; SCIM's `meta.version`. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface SeatPool {
  organizationId: string;
  product: string;
  limit: number;
  assigned: number;
  available: number;
}

export interface Workspace {
  id: string;
  organizationId: string;
  name: string;
  isDefault: boolean;
  createdByMemberId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WorkspaceMembership {
  workspaceId: string;
  memberId: string;
  role: WorkspaceRole;
}

/** A member's access to one Workspace: the strongest of their direct role and their groups' grants. */
export interface EffectiveAccess {
  workspaceId: string;
  role: WorkspaceRole;
  direct: WorkspaceRole | null;
  viaGroups: Array<{ groupId: string; role: WorkspaceRole }>;
}

export interface Group {
  id: string;
  organizationId: string;
  displayName: string;
  externalId: string | null;
  managedBy: 'none' | 'scim';
  createdByMemberId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface GroupGrant {
  groupId: string;
  workspaceId: string;
  role: WorkspaceRole;
}

export interface ScimToken {
  id: string;
  organizationId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface ApiKey {
  id: string;
  organizationId: string;
  memberId: string | null;
  workspaceId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedReason: string | null;
}

export interface AuditEvent {
  id: string;
  organizationId: string;
  actorType: Actor['type'];
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  data: Record<string, unknown>;
  requestId: string | null;
  createdAt: Date;
}

export type DomainStatus = 'pending' | 'verified';

/** An email domain claimed by an Organization, verified by a DNS TXT record on the domain itself. */
export interface Domain {
  id: string;
  organizationId: string;
  /** Lower-case ASCII (IDNs as punycode), no trailing dot. */
  domain: string;
  status: DomainStatus;
  verificationToken: string;
  /** The TXT record to publish on `domain`: `roster-verification=<token>`. */
  txtRecord: string;
  verifiedAt: Date | null;
  lastCheckedAt: Date | null;
  /** Why the last check did not verify the domain; null once verified. */
  lastError: string | null;
  /** People whose verified email is on this domain join the Organization when they sign in. */
  autoJoin: boolean;
  createdAt: Date;
  updatedAt: Date;
}

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

export type InvitationStatus = 'pending' | 'accepted' | 'revoked';

/** An offer to join an Organization with a role and seats, made to an email address. */
export interface Invitation {
  id: string;
  organizationId: string;
  email: string;
  role: OrganizationRole;
  /** Products whose seat the invitee takes on joining, each if one is free then. */
  seats: string[];
  status: InvitationStatus;
  /** Pending but past `expiresAt` (by the database's clock): listed and resendable, no longer acceptable. */
  expired: boolean;
  expiresAt: Date;
  invitedByMemberId: string | null;
  acceptedMemberId: string | null;
  createdAt: Date;
  /** When it was last (re)sent, accepted or revoked. */
  updatedAt: Date;
}
