import { ConflictError, DomainError, InvalidInputError, UnavailableError } from '../errors.js';

/**
 * PostgreSQL error codes translated in one place (Appendix A of the PostgreSQL manual).
 * Repos name their constraints; services catch the domain errors this produces.
 */
interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/**
 * Codes meaning the database cannot serve the request now, though it may shortly: the network
 * (Node's socket errors), the server going away (57P0x, 08xxx), too many connections (53300),
 * and a session PostgreSQL ended for Roster's `idle_in_transaction_session_timeout` (25P03).
 */
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '57P05',
  '25P03',
  '53300',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

/**
 * What pg and knex say, without a code, when a connection is lost or one of Roster's client-side
 * clocks runs out: a statement's answer not in time (`Query read timeout`), connecting not in time
 * (`timeout expired`), no pooled connection in time, and any statement (the ROLLBACK first) sent
 * on a connection already closed or broken. knex puts the statement's text in front of the message.
 */
const connectionMessages =
  /Connection terminated|connect ECONNREFUSED|Knex: Timeout acquiring a connection|Query read timeout|^timeout expired$|Client was closed and is not queryable|Client has encountered a connection error and is not queryable/;

/** Messages for unique constraints whose violation a user can cause. */
const uniqueMessages: Record<string, { code: string; message: string }> = {
  members_user_name_unique: { code: 'user_name_taken', message: 'A member with this userName already exists in the Organization' },
  members_account_unique: { code: 'already_member', message: 'This account is already a member of the Organization' },
  workspaces_name_unique: { code: 'workspace_name_taken', message: 'A Workspace with this name already exists' },
  accounts_email_unique: { code: 'email_taken', message: 'An account with this email already exists' },
  domains_organization_domain_unique: { code: 'domain_already_claimed', message: 'The Organization has already claimed this domain' },
  domains_verified_unique: { code: 'domain_verified_elsewhere', message: 'This domain is already verified by another Organization' },
  invitations_pending_unique: { code: 'already_invited', message: 'This address has a pending invitation already; resend or revoke it' },
};

export function isRetryable(error: unknown): boolean {
  const code = (error as PgError | undefined)?.code;
  // 0A000: a prepared statement's plan went stale under a schema change; it is prepared afresh on retry.
  return code === '40001' || code === '40P01' || code === '0A000';
}

/** A foreign key violation of the named constraint: what a write referring to a missing row meets. */
export function isForeignKeyViolation(error: unknown, constraint: string): boolean {
  const pg = error as PgError | undefined;
  return pg?.code === '23503' && pg.constraint === constraint;
}

/** A unique violation of the named constraint or index: what the losing one of two racing writes meets. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const pg = error as PgError | undefined;
  return pg?.code === '23505' && pg.constraint === constraint;
}

/** A NOT NULL violation of the table's column. */
export function isNotNullViolation(error: unknown, table: string, column: string): boolean {
  const pg = error as (PgError & { table?: string; column?: string }) | undefined;
  return pg?.code === '23502' && pg.table === table && pg.column === column;
}

function isConnectionFailure(error: unknown): boolean {
  const code = (error as PgError | undefined)?.code;
  if (code && connectionCodes.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return connectionMessages.test(message);
}

/** Turns a database error into a domain error when it means one; returns other errors unchanged. */
export function translateDbError(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  const pg = error as PgError;
  switch (pg?.code) {
    case '23505': {
      const known = pg.constraint ? uniqueMessages[pg.constraint] : undefined;
      return new ConflictError(known?.code ?? 'already_exists', known?.message ?? 'The value is already in use', {
        constraint: pg.constraint,
      });
    }
    case '23503':
      return new InvalidInputError('invalid_reference', 'The change refers to something that does not exist', {
        constraint: pg.constraint,
      });
    case '23514':
      return new ConflictError('constraint_violated', 'The change breaks a rule of the Organization', {
        constraint: pg.constraint,
      });
    // string_data_right_truncation, or program_limit_exceeded: a value too large for an index entry (about 2.7 kB after compression).
    case '22001':
    case '54000':
      return new InvalidInputError('value_too_long', 'A value is longer than allowed');
    case '22P02':
      return new InvalidInputError('invalid_value', 'A value has the wrong format');
    case '57014':
      // A statement past Roster's statement_timeout (or cancelled): the database is too slow right now.
      return new UnavailableError('The database did not answer in time; try again shortly');
  }
  if (isConnectionFailure(error)) return new UnavailableError('The database is unreachable; try again shortly');
  return error;
}
