import { isId } from '../../db/ids.js';
import { InvalidQueryError, type Condition, type ConditionValue, type Operator } from './search.js';

/**
 * Compiles a search Condition into a SQL boolean expression with `?` bindings,
 * through a catalogue of fields. Used only by the directory repos.
 *
 * Three-valued logic: a comparison with a NULL column yields NULL in SQL, which
 * `NOT` would keep NULL and so drop the row from `not (title eq "x")`. Negation
 * is therefore pushed down to the leaves (De Morgan), and a negated leaf is
 * wrapped in COALESCE. Positive leaves stay bare so that indexes (lower(user_name),
 * external_id, group membership keys) remain usable.
 */

type FieldType = 'text' | 'citext' | 'id' | 'boolean' | 'timestamp' | 'number';

export interface FieldSpec {
  sql: string;
  type: FieldType;
}

export interface CollectionSpec {
  /** FROM clause of the subquery, e.g. `member_emails e`. */
  from: string;
  /** Correlation with the outer row, e.g. `e.member_id = m.id`. */
  on: string;
  fields: Record<string, FieldSpec>;
}

export interface Catalogue {
  fields: Record<string, FieldSpec>;
  collections: Record<string, CollectionSpec>;
}

export interface Sql {
  sql: string;
  bindings: unknown[];
}

const likeOperators: Partial<Record<Operator, (value: string) => string>> = {
  co: (value) => `%${escapeLike(value)}%`,
  sw: (value) => `${escapeLike(value)}%`,
  ew: (value) => `%${escapeLike(value)}`,
};

const orderOperators: Partial<Record<Operator, string>> = { gt: '>', ge: '>=', lt: '<', le: '<=' };

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

export function compileCondition(condition: Condition, catalogue: Catalogue): Sql {
  return compile(condition, catalogue.fields, catalogue.collections, false);
}

function compile(condition: Condition, fields: Record<string, FieldSpec>, collections: Record<string, CollectionSpec>, negated: boolean): Sql {
  if ('all' in condition || 'any' in condition) {
    const parts = ('all' in condition ? condition.all : condition.any).map((part) => compile(part, fields, collections, negated));
    // De Morgan: under negation, and becomes or and vice versa.
    const joiner = 'all' in condition !== negated ? ' AND ' : ' OR ';
    return { sql: `(${parts.map((part) => part.sql).join(joiner)})`, bindings: parts.flatMap((part) => part.bindings) };
  }
  if ('not' in condition) return compile(condition.not, fields, collections, !negated);
  if ('collection' in condition) {
    const spec = collections[condition.collection];
    if (!spec) throw new InvalidQueryError(`"${condition.collection}" cannot be filtered`, { field: condition.collection });
    const inner = condition.where ? compile(condition.where, spec.fields, {}, false) : { sql: 'TRUE', bindings: [] };
    return { sql: `${negated ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${spec.from} WHERE ${spec.on} AND ${inner.sql})`, bindings: inner.bindings };
  }
  const spec = fields[condition.field];
  if (!spec) throw new InvalidQueryError(`"${condition.field}" cannot be filtered`, { field: condition.field });
  const leaf = 'present' in condition ? present(spec) : compare(condition.field, spec, condition.op, condition.value);
  return negated ? { sql: `NOT COALESCE(${leaf.sql}, FALSE)`, bindings: leaf.bindings } : leaf;
}

/** RFC 7644 §3.4.2.2 `pr`: the attribute has a non-empty value. */
function present(spec: FieldSpec): Sql {
  if (spec.type === 'text' || spec.type === 'citext') return { sql: `(${spec.sql} IS NOT NULL AND ${spec.sql} <> '')`, bindings: [] };
  return { sql: `(${spec.sql} IS NOT NULL)`, bindings: [] };
}

function compare(field: string, spec: FieldSpec, op: Operator, value: ConditionValue): Sql {
  if (value === null) {
    if (op === 'eq') return { sql: `(${spec.sql} IS NULL)`, bindings: [] };
    if (op === 'ne') return { sql: `(${spec.sql} IS NOT NULL)`, bindings: [] };
    throw new InvalidQueryError(`"${op}" cannot compare ${field} with null`, { field });
  }
  switch (spec.type) {
    case 'boolean':
      return compareBoolean(field, spec, op, value);
    case 'timestamp':
      return compareTimestamp(field, spec, op, value);
    case 'number':
      return compareNumber(field, spec, op, value);
    case 'id':
      return compareId(spec, op, String(value));
    default:
      return compareText(spec, op, String(value));
  }
}

function compareText(spec: FieldSpec, op: Operator, value: string): Sql {
  // RFC 7643 §2.2: caseExact false means comparisons ignore case.
  const column = spec.type === 'citext' ? `lower(${spec.sql})` : spec.sql;
  const parameter = spec.type === 'citext' ? 'lower(?)' : '?';
  const like = likeOperators[op];
  if (like) return { sql: `(${column} LIKE ${parameter} ESCAPE '\\')`, bindings: [like(value)] };
  if (op === 'eq') return { sql: `(${column} = ${parameter})`, bindings: [value] };
  if (op === 'ne') return { sql: `(${column} IS DISTINCT FROM ${parameter})`, bindings: [value] };
  return { sql: `(${column} ${orderOperators[op]} ${parameter} COLLATE "C")`, bindings: [value] };
}

function compareId(spec: FieldSpec, op: Operator, value: string): Sql {
  // A value that is not an id matches no row by equality; other operators compare the text form.
  if (op === 'eq') return isId(value) ? { sql: `(${spec.sql} = ?)`, bindings: [value.toLowerCase()] } : { sql: 'FALSE', bindings: [] };
  if (op === 'ne')
    return isId(value) ? { sql: `(${spec.sql} IS DISTINCT FROM ?)`, bindings: [value.toLowerCase()] } : { sql: `(${spec.sql} IS NOT NULL)`, bindings: [] };
  return compareText({ sql: `${spec.sql}::text`, type: 'citext' }, op, value);
}

function compareBoolean(field: string, spec: FieldSpec, op: Operator, value: ConditionValue): Sql {
  const parsed = typeof value === 'boolean' ? value : typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : undefined;
  if (parsed === undefined) throw new InvalidQueryError(`${field} is a boolean; compare it with true or false`, { field });
  if (op === 'eq') return { sql: `(${spec.sql} = ?)`, bindings: [parsed] };
  if (op === 'ne') return { sql: `(${spec.sql} IS DISTINCT FROM ?)`, bindings: [parsed] };
  throw new InvalidQueryError(`"${op}" has no meaning for the boolean ${field}`, { field });
}

function compareTimestamp(field: string, spec: FieldSpec, op: Operator, value: ConditionValue): Sql {
  const time = typeof value === 'string' ? new Date(value) : undefined;
  if (!time || Number.isNaN(time.getTime())) throw new InvalidQueryError(`${field} is a dateTime; compare it with an xsd:dateTime string`, { field });
  const sqlOperator = op === 'eq' ? '=' : op === 'ne' ? '<>' : orderOperators[op];
  if (!sqlOperator) throw new InvalidQueryError(`"${op}" has no meaning for the dateTime ${field}`, { field });
  return { sql: `(${spec.sql} ${sqlOperator} ?::timestamptz)`, bindings: [time.toISOString()] };
}

function compareNumber(field: string, spec: FieldSpec, op: Operator, value: ConditionValue): Sql {
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number)) throw new InvalidQueryError(`${field} is a number`, { field });
  const sqlOperator = op === 'eq' ? '=' : op === 'ne' ? '<>' : orderOperators[op];
  if (!sqlOperator) throw new InvalidQueryError(`"${op}" has no meaning for the number ${field}`, { field });
  return { sql: `(${spec.sql} ${sqlOperator} ?)`, bindings: [number] };
}

/** The expression a sort on the field orders by: case-insensitive text sorts by its lower-case form. */
export function sortExpression(catalogue: Catalogue, field: string): string {
  const spec = catalogue.fields[field];
  if (!spec) throw new InvalidQueryError(`"${field}" cannot be sorted by`, { field });
  return spec.type === 'citext' ? `lower(${spec.sql})` : spec.sql;
}
