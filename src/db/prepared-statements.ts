import { createHash } from 'node:crypto';

/**
 * Makes PostgreSQL plan Roster's repeated statements once per connection.
 * knex sends every query unnamed, so PostgreSQL parses and plans it on each
 * call; for the short statements of a SCIM request, planning costs more than
 * running them. Naming a statement after a hash of its text turns it into a
 * prepared statement, reused on that connection from the second call on.
 *
 * Left unnamed (planned per call, as before):
 * - statements without parameters (transaction control, DDL, migrations);
 * - statements with array parameters (`= ANY(?)`, `unnest(?::uuid[])`): a
 *   generic plan made while a group was small can later scan the whole group;
 * - statements with many parameters (one text per list length);
 * - anything past a per-connection cap, so that filters of unbounded variety
 *   cannot grow a backend's memory.
 */

interface QueryConfig {
  text?: unknown;
  name?: unknown;
  values?: unknown[];
}

interface PgConnection {
  query: (...args: unknown[]) => unknown;
}

const maxParameters = 32;
const maxNamedPerConnection = 500;

function cacheable(config: QueryConfig): config is QueryConfig & { text: string } {
  if (typeof config.text !== 'string' || config.name !== undefined) return false;
  const values = config.values ?? [];
  if (values.length === 0 || values.length > maxParameters) return false;
  if (values.some((value) => Array.isArray(value))) return false;
  return !/\bANY\s*\(|\[\]/i.test(config.text);
}

/** Statement names by text, shared by all connections; bounded like the per-connection sets. */
const namesByText = new Map<string, string>();

function nameOf(text: string): string {
  let name = namesByText.get(text);
  if (name === undefined) {
    name = `roster_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (namesByText.size < maxNamedPerConnection * 4) namesByText.set(text, name);
  }
  return name;
}

/** Wraps a new pg connection's `query` (knex pool `afterCreate`). */
export function prepareRepeatedStatements(connection: PgConnection): void {
  const query = connection.query.bind(connection);
  const named = new Set<string>();
  connection.query = (config: unknown, ...rest: unknown[]) => {
    if (config && typeof config === 'object' && cacheable(config as QueryConfig)) {
      const text = (config as { text: string }).text;
      const name = nameOf(text);
      if (named.has(name) || named.size < maxNamedPerConnection) {
        named.add(name);
        (config as QueryConfig).name = name;
      }
    }
    return query(config, ...rest);
  };
}
