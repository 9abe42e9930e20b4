/**
 * Roster's one error model. Domain errors carry a stable `code` and a `kind`;
 * they know nothing of HTTP. Each adapter renders them (SCIM error schema on
 * `/scim/v2`, `{error:{code,message}}` on `/api/v1`) by mapping `kind` to a status.
 */
export type ErrorKind =
  /** The thing does not exist in this Organization (or belongs to another one). */
  | 'not_found'
  /** The change would break a uniqueness or state rule; retrying unchanged will not help. */
  | 'conflict'
  /** The input itself is wrong. */
  | 'invalid'
  /** The caller is not signed in, or its credential is no longer good. */
  | 'unauthenticated'
  /** The caller may not do this. */
  | 'forbidden'
  /** A dependency (the database) is unreachable; retrying later may help. */
  | 'unavailable'
  /** The caller sent more requests than its credential allows; retry after `details.retryAfterSeconds`. */
  | 'rate_limited';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id?: string) {
    super('not_found', `${entity}_not_found`, id ? `${capitalise(entity)} ${id} not found` : `${capitalise(entity)} not found`, {
      entity,
      ...(id ? { id } : {}),
    });
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super('conflict', code, message, details);
    this.name = 'ConflictError';
  }
}

export class InvalidInputError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super('invalid', code, message, details);
    this.name = 'InvalidInputError';
  }
}

export class ForbiddenError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super('forbidden', code, message, details);
    this.name = 'ForbiddenError';
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(code: string, message: string) {
    super('unauthenticated', code, message);
    this.name = 'UnauthenticatedError';
  }
}

export class UnavailableError extends DomainError {
  constructor(message: string) {
    super('unavailable', 'service_unavailable', message);
    this.name = 'UnavailableError';
  }
}

export class RateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number, limit: number, per = 'minute for this credential') {
    super('rate_limited', 'rate_limited', `Too many requests: the limit is ${limit} per ${per}`, { retryAfterSeconds, limit });
    this.name = 'RateLimitedError';
  }
}

/** Invariant 1: the last active Admin cannot go. */
export class LastAdminError extends ConflictError {
  constructor(action: string) {
    super('last_admin', `Cannot ${action}: they are the Organization's only active Admin. Make another member Admin first.`);
  }
}

/** Invariant 2: assigned seats never exceed the pool's limit. */
export class NoSeatsAvailableError extends ConflictError {
  constructor(product: string, limit: number, assigned: number) {
    super('no_seats_available', `No ${product} seats available: ${assigned} of ${limit} assigned.`, {
      product,
      limit,
      assigned,
      available: Math.max(0, limit - assigned),
    });
  }
}

/** Invariant 4: an IdP-managed profile is changed only by that IdP. */
export class ExternallyManagedError extends ConflictError {
  constructor(managedBy: 'scim' | 'sso', fields: string[]) {
    const idp = managedBy === 'scim' ? 'SCIM provisioning from your identity provider' : 'SAML single sign-on';
    super(
      'externally_managed',
      `${fields.join(', ')} ${fields.length === 1 ? 'is' : 'are'} managed by ${idp}; change ${fields.length === 1 ? 'it' : 'them'} in the identity provider.`,
      { managedBy, fields },
    );
  }
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).replaceAll('_', ' ');
}
