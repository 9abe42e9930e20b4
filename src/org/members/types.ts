/** Members, their profiles (RFC 7643 §4.1, §4.3) and the accounts they sign in with. */
import type { OrganizationRole } from '../organizations/types.js';

export type MemberStatus = 'active' | 'suspended';

/** Who owns the member's name and email: nobody (Roster), SCIM provisioning, or SAML sign-in. */
export type ManagedBy = 'none' | 'scim' | 'sso';

/** How the member joined. `bootstrap` is an Organization's first Admin. */
export type MemberSource = 'bootstrap' | 'invitation' | 'scim' | 'sso' | 'domain';

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
