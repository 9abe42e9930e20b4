import type { Knex } from 'knex';
import { rowToGroup, type GroupRow } from '../groups/groups.repo.js';
import type { Group } from '../groups/types.js';
import { countMatching, selectPage } from './directory.repo.js';
import type { Catalogue } from './query-sql.js';
import type { PageQuery } from './search.js';

/** Lists and single reads of groups as a directory serves them, filtered, sorted, counted and paged in SQL. */

export interface GroupEntry extends Group {
  /** Absent when not asked for. */
  members?: Array<{ id: string; display: string }>;
}

const groupCatalogue: Catalogue = {
  fields: {
    id: { sql: 'g.id', type: 'id' },
    displayName: { sql: 'g.display_name', type: 'citext' },
    externalId: { sql: 'g.external_id', type: 'text' },
    createdAt: { sql: 'g.created_at', type: 'timestamp' },
    updatedAt: { sql: 'g.updated_at', type: 'timestamp' },
    version: { sql: 'g.version', type: 'number' },
  },
  collections: {
    members: {
      from: 'group_members gm JOIN members mm ON mm.id = gm.member_id',
      on: 'gm.group_id = g.id',
      fields: {
        value: { sql: 'gm.member_id', type: 'id' },
        display: { sql: 'COALESCE(mm.display_name, mm.user_name)', type: 'citext' },
      },
    },
  },
};

export async function selectGroupEntries(tx: Knex, organizationId: string, query: PageQuery): Promise<GroupEntry[]> {
  const rows = await selectPage<GroupRow>(tx, 'groups', 'g', 'g.*', organizationId, query, groupCatalogue);
  return rows.map(rowToGroup);
}

export function countGroups(tx: Knex, organizationId: string, query: PageQuery): Promise<number> {
  return countMatching(tx, 'groups', 'g', organizationId, query, groupCatalogue);
}

export async function selectGroupEntry(tx: Knex, organizationId: string, id: string): Promise<GroupEntry | undefined> {
  const row = (await tx('groups as g').where({ 'g.organization_id': organizationId, 'g.id': id }).first()) as GroupRow | undefined;
  return row && rowToGroup(row);
}

/** The members of the given groups, with the name a directory shows for each; one statement for the whole page. */
export async function selectMembersOfGroups(tx: Knex, groupIds: string[]): Promise<Map<string, Array<{ id: string; display: string }>>> {
  const byGroup = new Map<string, Array<{ id: string; display: string }>>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return byGroup;
  const result = await tx.raw(
    `SELECT gm.group_id, gm.member_id, COALESCE(m.display_name, m.user_name) AS display
       FROM group_members gm JOIN members m ON m.id = gm.member_id
      WHERE gm.group_id = ANY(?::uuid[]) ORDER BY gm.group_id, gm.member_id`,
    [groupIds],
  );
  for (const row of result.rows as Array<{ group_id: string; member_id: string; display: string }>) {
    byGroup.get(row.group_id)?.push({ id: row.member_id, display: row.display });
  }
  return byGroup;
}
