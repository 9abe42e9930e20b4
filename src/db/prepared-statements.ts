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
 * - statements with more than `maxParameters` parameters: batch inserts and
 *   long id lists, whose text changes with their length, so that each would be
 *   planned for one use and take a slot of the per-connection cap. One member's
 *   write (a SCIM create or PUT: the whole profile, a few emails, the audit
 *   event, 40 to 80 parameters) stays under it and is prepared, one text per
 *   shape of request;
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
  /** pg's protocol connection: which names this backend has parsed. */
  connection?: { parsedStatements?: Record<string, string> };
}

type Callback = (error: (Error & { code?: string }) | null, result?: unknown) => void;

const maxParameters = 128;
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
  /** Names whose plan went stale inside a transaction; dropped before their next use. */
  const stale = new Set<string>();
  connection.query = (config: unknown, ...rest: unknown[]) => {
    if (config && typeof config === 'object' && cacheable(config as QueryConfig)) {
      const text = (config as { text: string }).text;
      const name = nameOf(text);
      if (named.has(name) || named.size < maxNamedPerConnection) {
        named.add(name);
        (config as QueryConfig).name = name;
        const callback = rest[0];
        if (typeof callback === 'function') {
          const run = () => query(config, replanOnSchemaChange(connection, query, config as QueryConfig, name, stale, callback as Callback));
          if (!stale.has(name)) return run();
          return query(`DEALLOCATE ${name}`, () => {
            stale.delete(name);
            delete connection.connection?.parsedStatements?.[name];
            run();
          });
        }
      }
    }
    return query(config, ...rest);
  };
}

/**
 * A prepared `SELECT m.*` fails with "cached plan must not change result type"
 * (0A000) once a migration adds a column while this process runs (a rolling
 * deploy). Outside a transaction the statement is dropped and run again,
 * prepared afresh. Inside one the transaction is already aborted: the error
 * goes up (inTransaction retries it) and the name is dropped before its next use.
 */
function replanOnSchemaChange(
  connection: PgConnection,
  query: (...args: unknown[]) => unknown,
  config: QueryConfig,
  name: string,
  stale: Set<string>,
  callback: Callback,
): Callback {
  return (error, result) => {
    if (error?.code !== '0A000') return callback(error, result);
    query(`DEALLOCATE ${name}`, (deallocateError: Error | null) => {
      if (deallocateError) {
        stale.add(name);
        return callback(error);
      }
      delete connection.connection?.parsedStatements?.[name];
      query(config, callback);
    });
  };
}
