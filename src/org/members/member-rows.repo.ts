import type { Knex } from 'knex';
import type { Tx } from '../../db/transaction.js';
import type { ManagedBy, Member, MemberProfile, MemberSource, MemberStatus, MultiValue, ProfileChanges } from './types.js';
import type { OrganizationRole } from '../organizations/types.js';

// A member's row as stored and as the domain sees it: the row type, the column of each profile
// field, and the select that brings a member's emails along. Reads and writes (members.repo.ts) share it.
export interface MemberRow {
  id: string;
  organization_id: string;
  account_id: string | null;
  user_name: string;
  external_id: string | null;
  name_formatted: string | null;
  given_name: string | null;
  family_name: string | null;
  middle_name: string | null;
  honorific_prefix: string | null;
  honorific_suffix: string | null;
  display_name: string | null;
  nick_name: string | null;
  profile_url: string | null;
  title: string | null;
  user_type: string | null;
  preferred_language: string | null;
  locale: string | null;
  timezone: string | null;
  phone_numbers: MultiValue[];
  ims: MultiValue[];
  photos: MultiValue[];
  addresses: MultiValue[];
  entitlements: MultiValue[];
  scim_roles: MultiValue[];
  x509_certificates: MultiValue[];
  employee_number: string | null;
  cost_center: string | null;
  enterprise_organization: string | null;
  division: string | null;
  department: string | null;
  manager_id: string | null;
  manager_display_name: string | null;
  role: OrganizationRole;
  status: MemberStatus;
  managed_by: ManagedBy;
  source: MemberSource;
  version: number;
  created_at: Date;
  updated_at: Date;
  emails: Array<{ value: string; type: string | null; primary: boolean; display: string | null }> | null;
}

export function rowToMember(row: MemberRow): Member {
  return {
    id: row.id,
    organizationId: row.organization_id,
    accountId: row.account_id,
    userName: row.user_name,
    externalId: row.external_id,
    name: {
      formatted: row.name_formatted,
      givenName: row.given_name,
      familyName: row.family_name,
      middleName: row.middle_name,
      honorificPrefix: row.honorific_prefix,
      honorificSuffix: row.honorific_suffix,
    },
    displayName: row.display_name,
    nickName: row.nick_name,
    profileUrl: row.profile_url,
    title: row.title,
    userType: row.user_type,
    preferredLanguage: row.preferred_language,
    locale: row.locale,
    timezone: row.timezone,
    emails: (row.emails ?? []).map((email) => ({
      value: email.value,
      type: email.type,
      primary: email.primary,
      display: email.display,
    })),
    phoneNumbers: row.phone_numbers,
    ims: row.ims,
    photos: row.photos,
    addresses: row.addresses,
    entitlements: row.entitlements,
    roles: row.scim_roles,
    x509Certificates: row.x509_certificates,
    enterprise: {
      employeeNumber: row.employee_number,
      costCenter: row.cost_center,
      organization: row.enterprise_organization,
      division: row.division,
      department: row.department,
      manager: row.manager_id ? { id: row.manager_id, displayName: row.manager_display_name } : null,
    },
    role: row.role,
    status: row.status,
    managedBy: row.managed_by,
    source: row.source,
    version: row.version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

const scalarColumns = {
  userName: 'user_name',
  externalId: 'external_id',
  displayName: 'display_name',
  nickName: 'nick_name',
  profileUrl: 'profile_url',
  title: 'title',
  userType: 'user_type',
  preferredLanguage: 'preferred_language',
  locale: 'locale',
  timezone: 'timezone',
} as const satisfies Partial<Record<keyof MemberProfile, string>>;

const jsonColumns = {
  phoneNumbers: 'phone_numbers',
  ims: 'ims',
  photos: 'photos',
  addresses: 'addresses',
  entitlements: 'entitlements',
  roles: 'scim_roles',
  x509Certificates: 'x509_certificates',
} as const satisfies Partial<Record<keyof MemberProfile, string>>;

const nameColumns = {
  formatted: 'name_formatted',
  givenName: 'given_name',
  familyName: 'family_name',
  middleName: 'middle_name',
  honorificPrefix: 'honorific_prefix',
  honorificSuffix: 'honorific_suffix',
} as const;

const enterpriseColumns = {
  employeeNumber: 'employee_number',
  costCenter: 'cost_center',
  organization: 'enterprise_organization',
  division: 'division',
  department: 'department',
} as const;

/** The columns a profile change writes; emails are written separately (member_emails). */
export function profileColumns(changes: ProfileChanges): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(scalarColumns)) {
    const value = changes[field as keyof typeof scalarColumns];
    if (value !== undefined) columns[column] = value;
  }
  for (const [field, column] of Object.entries(jsonColumns)) {
    const value = changes[field as keyof typeof jsonColumns];
    // jsonb is written as text: the pg driver would turn a JS array into a Postgres array.
    if (value !== undefined) columns[column] = JSON.stringify(value ?? []);
  }
  for (const [field, column] of Object.entries(nameColumns)) {
    const value = changes.name?.[field as keyof typeof nameColumns];
    if (value !== undefined) columns[column] = value;
  }
  for (const [field, column] of Object.entries(enterpriseColumns)) {
    const value = changes.enterprise?.[field as keyof typeof enterpriseColumns];
    if (value !== undefined) columns[column] = value;
  }
  if (changes.enterprise?.manager !== undefined) {
    columns.manager_id = changes.enterprise.manager?.id ?? null;
    columns.manager_display_name = changes.enterprise.manager?.displayName ?? null;
  }
  return columns;
}

/** A member's row with its emails, as `members m` in a select list or a RETURNING clause. */
export function memberWithEmails(tx: Tx): Array<string | Knex.Raw> {
  return [
    'm.*',
    tx.raw(`(SELECT json_agg(json_build_object('value', e.value, 'type', e.type, 'primary', e."primary", 'display', e.display) ORDER BY e.position)
             FROM member_emails e WHERE e.member_id = m.id) AS emails`),
  ];
}

/** Members with their emails in one statement: no second round trip per member. */
export function selectMembers(tx: Tx): Knex.QueryBuilder {
  return tx('members as m').select(memberWithEmails(tx));
}
