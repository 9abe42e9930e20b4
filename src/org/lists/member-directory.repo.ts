import type { Knex } from 'knex';
import type { Group } from '../groups/types.js';
import { rowToMember, type MemberRow } from '../members/member-rows.repo.js';
import type { Member } from '../members/types.js';
import { countMatching, selectPage } from './directory.repo.js';
import type { Catalogue, CollectionSpec, FieldSpec, Sql } from './query-sql.js';
import type { PageQuery } from './search.js';

/**
 * Lists and single reads of members as a directory serves them: filtered, sorted, counted
 * and paged in SQL, with only the related data (emails, seats, groups) asked for.
 */

/** A member with what a directory shows beside the profile: seats and groups. */
export interface MemberEntry extends Member {
  seats: string[];
  /** Absent when not asked for. */
  groups?: MemberGroup[];
}

/** A group a member is in, with who keeps its members: an Admin (`none`) or the IdP over SCIM. */
export interface MemberGroup {
  id: string;
  displayName: string;
  managedBy: Group['managedBy'];
}

export interface MemberParts {
  emails: boolean;
  seats: boolean;
  groups: boolean;
}

const jsonCollection = (column: string, alias: string, extra: string[] = []): CollectionSpec => ({
  from: `jsonb_array_elements(m.${column}) AS ${alias}(v)`,
  on: 'TRUE',
  fields: {
    ...Object.fromEntries(
      ['value', 'type', 'display', ...extra].map((field): [string, FieldSpec] => [field, { sql: `(${alias}.v->>'${field}')`, type: 'citext' }]),
    ),
    primary: { sql: `((${alias}.v->>'primary')::boolean)`, type: 'boolean' },
  },
});

const memberCatalogue: Catalogue = {
  fields: {
    id: { sql: 'm.id', type: 'id' },
    userName: { sql: 'm.user_name', type: 'citext' },
    externalId: { sql: 'm.external_id', type: 'text' },
    displayName: { sql: 'm.display_name', type: 'citext' },
    nickName: { sql: 'm.nick_name', type: 'citext' },
    profileUrl: { sql: 'm.profile_url', type: 'citext' },
    title: { sql: 'm.title', type: 'citext' },
    userType: { sql: 'm.user_type', type: 'citext' },
    preferredLanguage: { sql: 'm.preferred_language', type: 'citext' },
    locale: { sql: 'm.locale', type: 'citext' },
    timezone: { sql: 'm.timezone', type: 'citext' },
    'name.formatted': { sql: 'm.name_formatted', type: 'citext' },
    'name.givenName': { sql: 'm.given_name', type: 'citext' },
    'name.familyName': { sql: 'm.family_name', type: 'citext' },
    'name.middleName': { sql: 'm.middle_name', type: 'citext' },
    'name.honorificPrefix': { sql: 'm.honorific_prefix', type: 'citext' },
    'name.honorificSuffix': { sql: 'm.honorific_suffix', type: 'citext' },
    active: { sql: "(m.status = 'active')", type: 'boolean' },
    role: { sql: 'm.role', type: 'citext' },
    createdAt: { sql: 'm.created_at', type: 'timestamp' },
    updatedAt: { sql: 'm.updated_at', type: 'timestamp' },
    version: { sql: 'm.version', type: 'number' },
    'enterprise.employeeNumber': { sql: 'm.employee_number', type: 'citext' },
    'enterprise.costCenter': { sql: 'm.cost_center', type: 'citext' },
    'enterprise.organization': { sql: 'm.enterprise_organization', type: 'citext' },
    'enterprise.division': { sql: 'm.division', type: 'citext' },
    'enterprise.department': { sql: 'm.department', type: 'citext' },
    'enterprise.manager.id': { sql: 'm.manager_id', type: 'text' },
    'enterprise.manager.displayName': { sql: 'm.manager_display_name', type: 'citext' },
    // Sorting by emails orders by the primary (else first) address.
    primaryEmail: {
      sql: '(SELECT e.value FROM member_emails e WHERE e.member_id = m.id ORDER BY e."primary" DESC, e.position LIMIT 1)',
      type: 'citext',
    },
  },
  collections: {
    emails: {
      from: 'member_emails e',
      on: 'e.member_id = m.id',
      fields: {
        value: { sql: 'e.value', type: 'citext' },
        type: { sql: 'e.type', type: 'citext' },
        primary: { sql: 'e."primary"', type: 'boolean' },
        display: { sql: 'e.display', type: 'citext' },
      },
    },
    phoneNumbers: jsonCollection('phone_numbers', 'p'),
    ims: jsonCollection('ims', 'i'),
    photos: jsonCollection('photos', 'ph'),
    addresses: jsonCollection('addresses', 'a', ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country']),
    entitlements: jsonCollection('entitlements', 'en'),
    roles: jsonCollection('scim_roles', 'r'),
    x509Certificates: jsonCollection('x509_certificates', 'x'),
    seats: { from: 'seat_assignments sa', on: 'sa.member_id = m.id', fields: { value: { sql: 'sa.product', type: 'text' } } },
    groups: {
      from: 'group_members gm JOIN groups gg ON gg.id = gm.group_id',
      on: 'gm.member_id = m.id',
      fields: { value: { sql: 'gm.group_id', type: 'id' }, display: { sql: 'gg.display_name', type: 'citext' } },
    },
  },
};

const emailsColumn = `(SELECT json_agg(json_build_object('value', e.value, 'type', e.type, 'primary', e."primary", 'display', e.display) ORDER BY e.position)
  FROM member_emails e WHERE e.member_id = m.id) AS emails`;
const seatsColumn = '(SELECT array_agg(sa.product ORDER BY sa.product COLLATE "C") FROM seat_assignments sa WHERE sa.member_id = m.id) AS seats';
const groupsColumn = `(SELECT json_agg(json_build_object('id', g.id, 'displayName', g.display_name, 'managedBy', g.managed_by) ORDER BY g.display_name, g.id)
  FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.member_id = m.id) AS groups`;

interface MemberEntryRow extends MemberRow {
  seats: string[] | null;
  groups: MemberGroup[] | null;
}

function rowToMemberEntry(row: MemberEntryRow, parts: MemberParts): MemberEntry {
  return {
    ...rowToMember(row),
    seats: row.seats ?? [],
    ...(parts.groups ? { groups: row.groups ?? [] } : {}),
  };
}

function memberColumns(parts: MemberParts): string {
  return [
    'm.*',
    parts.emails ? emailsColumn : 'NULL AS emails',
    parts.seats ? seatsColumn : 'NULL AS seats',
    parts.groups ? groupsColumn : 'NULL AS groups',
  ].join(', ');
}

export async function selectMemberEntries(tx: Knex, organizationId: string, query: PageQuery, parts: MemberParts): Promise<MemberEntry[]> {
  const rows = await selectPage<MemberEntryRow>(tx, 'members', 'm', memberColumns(parts), organizationId, query, memberCatalogue);
  return rows.map((row) => rowToMemberEntry(row, parts));
}

export function countMembers(tx: Knex, organizationId: string, query: PageQuery): Promise<number> {
  return countMatching(tx, 'members', 'm', organizationId, query, memberCatalogue);
}

/** The member list's search: last name or email containing `text`, a role, and where the page starts. */
export interface MemberListQuery {
  text?: string;
  role?: string;
  afterId?: string;
  limit: number;
}

/**
 * A page of the member list in id order. A text is looked for in two places, each
 * asked for its own first page: last names (members) and emails (member_emails),
 * each limited, then merged. Each part alone lets PostgreSQL pick the better of its
 * trigram index (few matches) and a walk in id order that stops at the page's end
 * (many); one OR across both tables made it walk every member when matches were few.
 */
export async function selectMemberListPage(tx: Knex, organizationId: string, query: MemberListQuery, parts: MemberParts): Promise<MemberEntry[]> {
  const after = query.afterId ? { sql: ' AND m.id > ?', bindings: [query.afterId] } : { sql: '', bindings: [] };
  const role = query.role ? { sql: ' AND m.role = ?', bindings: [query.role] } : { sql: '', bindings: [] };
  let ids: Sql;
  if (query.text) {
    const pattern = `%${query.text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    ids = {
      sql: `SELECT found.id FROM (
          (SELECT m.id FROM members m
            WHERE m.organization_id = ? AND lower(m.family_name) LIKE lower(?) ESCAPE '\\'${role.sql}${after.sql}
            ORDER BY m.id LIMIT ?)
          UNION
          (SELECT DISTINCT e.member_id AS id FROM member_emails e${query.role ? ' JOIN members m ON m.id = e.member_id' : ''}
            WHERE e.organization_id = ? AND lower(e.value) LIKE lower(?) ESCAPE '\\'${role.sql}${query.afterId ? ' AND e.member_id > ?' : ''}
            ORDER BY e.member_id LIMIT ?)
        ) found ORDER BY found.id LIMIT ?`,
      bindings: [
        organizationId,
        pattern,
        ...role.bindings,
        ...after.bindings,
        query.limit,
        organizationId,
        pattern,
        ...role.bindings,
        ...after.bindings,
        query.limit,
        query.limit,
      ],
    };
  } else {
    ids = {
      sql: `SELECT m.id FROM members m WHERE m.organization_id = ?${role.sql}${after.sql} ORDER BY m.id LIMIT ?`,
      bindings: [organizationId, ...role.bindings, ...after.bindings, query.limit],
    };
  }
  // Roster prepares repeated statements (db/prepared-statements.ts), and after a few calls PostgreSQL may
  // switch to a generic plan, made without the pattern: one that suits "smith" walks every member for
  // "nomatch". Each search is planned for its own pattern (custom plans, for this transaction only).
  if (query.text) await tx.raw('SET LOCAL plan_cache_mode = force_custom_plan');
  const result = await tx.raw(
    `SELECT ${memberColumns(parts)} FROM (${ids.sql}) page JOIN members m ON m.id = page.id ORDER BY m.id`,
    ids.bindings as Knex.RawBinding[],
  );
  return (result.rows as MemberEntryRow[]).map((row) => rowToMemberEntry(row, parts));
}

export async function selectMemberEntry(tx: Knex, organizationId: string, id: string, parts: MemberParts, lock = false): Promise<MemberEntry | undefined> {
  const result = await tx.raw(`SELECT ${memberColumns(parts)} FROM members m WHERE m.organization_id = ? AND m.id = ?${lock ? ' FOR UPDATE OF m' : ''}`, [
    organizationId,
    id,
  ]);
  const row = result.rows[0] as MemberEntryRow | undefined;
  return row && rowToMemberEntry(row, parts);
}
