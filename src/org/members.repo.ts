import type { Knex } from 'knex';
import type { Tx } from '../db/transaction.js';
import { insertAuditEventPer, type NewAuditEvent } from './audit.repo.js';
import { revocationSteps, revocationSummary } from './credentials.repo.js';
import { intoDefaultWorkspaceStep } from './workspaces.repo.js';
import type {
  Email,
  ManagedBy,
  Member,
  MemberProfile,
  MemberSource,
  MemberStatus,
  MultiValue,
  OrganizationRole,
  ProfileChanges,
  WorkspaceRole,
} from './types.js';

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
function profileColumns(changes: ProfileChanges): Record<string, unknown> {
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
function memberWithEmails(tx: Tx): Array<string | Knex.Raw> {
  return [
    'm.*',
    tx.raw(`(SELECT json_agg(json_build_object('value', e.value, 'type', e.type, 'primary', e."primary", 'display', e.display) ORDER BY e.position)
             FROM member_emails e WHERE e.member_id = m.id) AS emails`),
  ];
}

/** Members with their emails in one statement: no second round trip per member. */
function selectMembers(tx: Tx): Knex.QueryBuilder {
  return tx('members as m').select(memberWithEmails(tx));
}

export interface NewMemberRow {
  id: string;
  organizationId: string;
  accountId: string | null;
  profile: ProfileChanges & { userName: string };
  role: OrganizationRole;
  managedBy: ManagedBy;
  source: MemberSource;
  status: MemberStatus;
}

export interface InsertOptions {
  /** The member's role in the default Workspace, which it joins in the same statement. */
  workspaceRole: WorkspaceRole;
  /** The audit event of the creation, written in the same statement. */
  event?: NewAuditEvent;
}

/**
 * Inserts the member, its emails and its default-Workspace membership (and the
 * event, when given) as one statement; answers the member as stored.
 */
export async function insertMember(tx: Tx, member: NewMemberRow, { workspaceRole, event }: InsertOptions): Promise<Member> {
  const emails = (member.profile.emails ?? []).map((email) => ({ value: email.value, type: email.type ?? null, primary: email.primary ?? false, display: email.display ?? null }));
  let query = tx.with(
    'created',
    tx('members')
      .insert({
        id: member.id,
        organization_id: member.organizationId,
        account_id: member.accountId,
        role: member.role,
        managed_by: member.managedBy,
        source: member.source,
        status: member.status,
        ...profileColumns(member.profile),
      })
      .returning('*'),
  );
  if (emails.length > 0) {
    query = query.with(
      'emails_added',
      tx('member_emails').insert(emails.map((email, position) => ({ ...email, member_id: member.id, organization_id: member.organizationId, position }))),
    );
  }
  query = query.with('placed', intoDefaultWorkspaceStep(tx, 'created', workspaceRole));
  if (event) query = query.with('logged', insertAuditEventPer(tx, 'created', event));
  const [row] = (await query.select('*').from('created')) as MemberRow[];
  return rowToMember({ ...row!, emails });
}

export async function selectMember(tx: Tx, organizationId: string, id: string): Promise<Member | undefined> {
  const row = (await selectMembers(tx).where({ 'm.organization_id': organizationId, 'm.id': id }).first()) as MemberRow | undefined;
  return row && rowToMember(row);
}

/** Reads the member under a row lock: the caller's later checks and writes see no concurrent change of it. */
export async function lockMember(tx: Tx, organizationId: string, id: string): Promise<Member | undefined> {
  const row = (await selectMembers(tx)
    .where({ 'm.organization_id': organizationId, 'm.id': id })
    .forUpdate('m')
    .first()) as MemberRow | undefined;
  return row && rowToMember(row);
}

export async function selectMemberByUserName(tx: Tx, organizationId: string, userName: string): Promise<Member | undefined> {
  const row = (await selectMembers(tx)
    .where('m.organization_id', organizationId)
    .whereRaw('lower(m.user_name) = lower(?)', [userName])
    .first()) as MemberRow | undefined;
  return row && rowToMember(row);
}

export async function selectMemberByAccount(tx: Tx, organizationId: string, accountId: string): Promise<Member | undefined> {
  const row = (await selectMembers(tx).where({ 'm.organization_id': organizationId, 'm.account_id': accountId }).first()) as
    | MemberRow
    | undefined;
  return row && rowToMember(row);
}

export interface BumpOptions {
  /** Write only if the member is still at this version; otherwise nothing is written and undefined answered. */
  atVersion?: number;
  /** The audit event of the change, written in the same statement. */
  event?: NewAuditEvent;
  /** End the member's access in the same statement (suspension), for this reason; the event records what was revoked. */
  revokeAccess?: string;
}

/** Applies a profile change, counts it as a new version of the member and answers the member as stored now. */
export async function updateMemberProfile(
  tx: Tx,
  organizationId: string,
  id: string,
  changes: ProfileChanges,
  otherColumns: { role?: OrganizationRole; status?: MemberStatus } = {},
  options: BumpOptions = {},
): Promise<Member | undefined> {
  if (changes.emails !== undefined) await replaceEmails(tx, organizationId, id, changes.emails ?? []);
  return bumpMember(tx, organizationId, id, { ...profileColumns(changes), ...otherColumns }, options);
}

/** Writes `columns` (possibly none), moves the member to its next version and answers it as stored now. */
export async function bumpMember(
  tx: Tx,
  organizationId: string,
  id: string,
  columns: Record<string, unknown> = {},
  { atVersion, event, revokeAccess }: BumpOptions = {},
): Promise<Member | undefined> {
  const update = tx('members as m')
    .where({ 'm.organization_id': organizationId, 'm.id': id, ...(atVersion === undefined ? {} : { 'm.version': atVersion }) })
    .update({ ...columns, version: tx.raw('version + 1'), updated_at: tx.fn.now() })
    .returning(memberWithEmails(tx));
  if (!event && !revokeAccess) {
    const [row] = (await update) as MemberRow[];
    return row && rowToMember(row);
  }
  // One statement: the update, then what depends on it having happened (revocations, the event).
  let query = tx.with('changed', update);
  if (revokeAccess) {
    for (const [name, step] of revocationSteps(tx, organizationId, id, revokeAccess, 'EXISTS (SELECT 1 FROM changed)')) query = query.with(name, step);
  }
  if (event) query = query.with('logged', insertAuditEventPer(tx, 'changed', event, revokeAccess ? revocationSummary : undefined));
  const [row] = (await query.select('*').from('changed')) as MemberRow[];
  return row && rowToMember(row);
}

async function replaceEmails(tx: Tx, organizationId: string, memberId: string, emails: Email[]): Promise<void> {
  await tx('member_emails').where({ member_id: memberId }).delete();
  await insertEmails(tx, organizationId, memberId, emails);
}

async function insertEmails(tx: Tx, organizationId: string, memberId: string, emails: Email[]): Promise<void> {
  if (emails.length === 0) return;
  await tx('member_emails').insert(
    emails.map((email, position) => ({
      member_id: memberId,
      organization_id: organizationId,
      position,
      value: email.value,
      type: email.type ?? null,
      primary: email.primary ?? false,
      display: email.display ?? null,
    })),
  );
}

/** Links the member to an Account that has none yet; false when it already has one. */
export async function setMemberAccount(tx: Tx, organizationId: string, id: string, accountId: string): Promise<boolean> {
  const rows = (await tx('members')
    .where({ organization_id: organizationId, id })
    .whereNull('account_id')
    .update({ account_id: accountId, version: tx.raw('version + 1'), updated_at: tx.fn.now() })
    .returning('id')) as unknown[];
  return rows.length > 0;
}

/** The active and suspended memberships of an Account, across Organizations. */
export async function selectMembersOfAccount(tx: Tx, accountId: string): Promise<Member[]> {
  const rows = (await selectMembers(tx).where('m.account_id', accountId).orderBy('m.created_at')) as MemberRow[];
  return rows.map(rowToMember);
}

export async function countActiveAdminsOtherThan(tx: Tx, organizationId: string, memberId: string): Promise<number> {
  const row = await tx('members')
    .where({ organization_id: organizationId, role: 'admin', status: 'active' })
    .whereNot('id', memberId)
    .select(tx.raw('count(*)::int AS count'))
    .first();
  return (row as { count: number }).count;
}

export async function deleteMemberRow(tx: Tx, organizationId: string, id: string): Promise<void> {
  await tx('members').where({ organization_id: organizationId, id }).delete();
}

/** Ids among `ids` that name members of this Organization. */
export async function selectExistingMemberIds(tx: Tx, organizationId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  // Driven by the ids asked about (primary-key lookups), whatever the planner thinks of the Organization's size.
  const result = await tx.raw(
    'SELECT m.id FROM unnest(?::uuid[]) AS wanted (id) JOIN members m ON m.id = wanted.id WHERE m.organization_id = ?',
    [ids, organizationId],
  );
  return new Set((result.rows as Array<{ id: string }>).map((row) => row.id));
}
