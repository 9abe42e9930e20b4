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

const connectionCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);

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

export function isConnectionFailure(error: unknown): boolean {
  const code = (error as PgError | undefined)?.code;
  if (code && connectionCodes.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connect ECONNREFUSED|Knex: Timeout acquiring a connection/.test(message);
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
    case '22001':
    // program_limit_exceeded: a value too large for an index entry (about 2.7 kB after compression).
    case '54000':
      return new InvalidInputError('value_too_long', 'A value is longer than allowed');
    case '22P02':
      return new InvalidInputError('invalid_value', 'A value has the wrong format');
  }
  if (isConnectionFailure(error)) return new UnavailableError('The database is unreachable; try again shortly');
  return error;
}
