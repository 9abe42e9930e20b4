import { InvalidInputError } from '../../errors.js';

/**
 * A protocol-neutral query over an Organization's members or groups: the
 * conditions, order and page a list asks for. Adapters (SCIM filters, admin
 * API search) build it from their own syntax; the directory repos turn it
 * into SQL through a fixed catalogue of fields, so nothing unknown reaches SQL.
 */

export type Operator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type ConditionValue = string | number | boolean | null;

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { field: string; op: Operator; value: ConditionValue }
  | { field: string; present: true }
  /** Some element of a multi-valued field (emails, seats, members…) matches `where`; without `where`, the field has an element. */
  | { collection: string; where?: Condition };

export interface Sort {
  field: string;
  descending: boolean;
}

export interface PageQuery {
  where?: Condition;
  sort?: Sort;
  /** 0-based index of the first result. */
  offset: number;
  limit: number;
  /** Keyset paging in the default order: only results after this id. */
  afterId?: string;
}

/** A condition the catalogue cannot express: an unknown field, or an operator the field's type has no meaning for. */
export class InvalidQueryError extends InvalidInputError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('invalid_filter', message, details);
  }
}
