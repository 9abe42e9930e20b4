import type { Knex } from 'knex';
import { compileCondition, sortExpression, type Catalogue, type Sql } from './query-sql.js';
import type { PageQuery } from './search.js';

/**
 * The SQL both directories (members, groups) list with: a filtered, sorted page and a count,
 * run in SQL over a table and the catalogue of its searchable fields.
 */

interface Scope {
  sql: string;
  bindings: unknown[];
}

function scope(table: 'm' | 'g', organizationId: string, query: PageQuery, catalogue: Catalogue): Scope {
  const where: Sql[] = [{ sql: `${table}.organization_id = ?`, bindings: [organizationId] }];
  if (query.where) where.push(compileCondition(query.where, catalogue));
  return { sql: where.map((part) => part.sql).join(' AND '), bindings: where.flatMap((part) => part.bindings) };
}

/**
 * A page of a filtered, sorted list. The page's keys are chosen first in an
 * inner query (only ids and sort keys pass the OFFSET), and the wide columns are
 * computed for the page's rows alone.
 */
export async function selectPage<Row>(
  tx: Knex,
  table: 'members' | 'groups',
  alias: 'm' | 'g',
  columns: string,
  organizationId: string,
  query: PageQuery,
  catalogue: Catalogue,
): Promise<Row[]> {
  const filter = scope(alias, organizationId, query, catalogue);
  const sortKey = query.sort ? sortExpression(catalogue, query.sort.field) : undefined;
  const direction = query.sort?.descending ? 'DESC NULLS LAST' : 'ASC NULLS LAST';
  const keyset = query.afterId ? { sql: ` AND ${alias}.id > ?`, bindings: [query.afterId] } : { sql: '', bindings: [] };
  const inner = `SELECT ${alias}.id${sortKey ? `, ${sortKey} AS sort_key` : ''} FROM ${table} ${alias}
    WHERE ${filter.sql}${keyset.sql}
    ORDER BY ${sortKey ? `sort_key ${direction}, ` : ''}${alias}.id LIMIT ? OFFSET ?`;
  const sql = `SELECT ${columns} FROM (${inner}) page JOIN ${table} ${alias} ON ${alias}.id = page.id
    ORDER BY ${sortKey ? `page.sort_key ${direction}, ` : ''}${alias}.id`;
  const result = await tx.raw(sql, [...filter.bindings, ...keyset.bindings, query.limit, query.offset] as Knex.RawBinding[]);
  return result.rows as Row[];
}

export async function countMatching(
  tx: Knex,
  table: 'members' | 'groups',
  alias: 'm' | 'g',
  organizationId: string,
  query: PageQuery,
  catalogue: Catalogue,
): Promise<number> {
  const filter = scope(alias, organizationId, query, catalogue);
  const result = await tx.raw(`SELECT count(*)::int AS total FROM ${table} ${alias} WHERE ${filter.sql}`, filter.bindings as Knex.RawBinding[]);
  return (result.rows[0] as { total: number }).total;
}
