import { isId } from '../../db/ids.js';
import type { Tx } from '../../db/transaction.js';
import { InvalidInputError } from '../../errors.js';
import { deleteExpiredSamlRows, deleteLiveSamlRequest, insertAssertionOnce, insertSamlRequest, selectLiveSamlRequestCreatedAt } from './saml-state.repo.js';

/**
 * The state SAML sign-in needs across instances (SAML-NOTES, "Checks node-saml does not do"):
 * the ids of AuthnRequests awaiting their response, consumed once (InResponseTo), and the ids
 * of assertions already used (replay). Both are per Organization: one Organization's request id
 * never answers another's response. No audit events: this is protocol state, not a change an
 * admin made.
 */

/** Longer than any id an SP or IdP generates (node-saml: "_" and 40 hex digits). */
const maxIdLength = 256;
/** Request ids live minutes; a day is far past any sensible sign-in. */
const maxTtlSeconds = 24 * 60 * 60;

function isSamlId(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= maxIdLength;
}

function requireSamlId(field: string, value: unknown): string {
  if (!isSamlId(value)) throw new InvalidInputError('invalid_value', `${field} must be a non-empty string of at most ${maxIdLength} characters`, { field });
  return value;
}

/** Remembers the id of an AuthnRequest just sent to the IdP, for `ttlSeconds`. */
export async function rememberSamlRequest(tx: Tx, organizationId: string, requestId: string, ttlSeconds: number): Promise<void> {
  requireSamlId('requestId', requestId);
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > maxTtlSeconds) {
    throw new InvalidInputError('invalid_value', `ttlSeconds must be between 0 and ${maxTtlSeconds}`, { field: 'ttlSeconds' });
  }
  if (!isId(organizationId)) throw new InvalidInputError('invalid_value', 'organizationId must be an id', { field: 'organizationId' });
  await insertSamlRequest(tx, organizationId, requestId, ttlSeconds);
}

/** When the request was sent, if it is remembered for this Organization and live; it is not used up. */
export async function findSamlRequestCreatedAt(tx: Tx, organizationId: string, requestId: string): Promise<Date | undefined> {
  if (!isId(organizationId) || !isSamlId(requestId)) return undefined;
  return selectLiveSamlRequestCreatedAt(tx, organizationId, requestId);
}

/**
 * Uses up a response's InResponseTo: true once for an id remembered for this Organization and
 * not expired, false ever after, for expired ids, and for other Organizations' ids.
 */
export async function consumeSamlRequest(tx: Tx, organizationId: string, requestId: string): Promise<boolean> {
  if (!isId(organizationId) || !isSamlId(requestId)) return false;
  return deleteLiveSamlRequest(tx, organizationId, requestId);
}

/**
 * Records an assertion's ID; true the first time, false for a replay. `expiresAt` must cover
 * the assertion's whole validity (its NotOnOrAfter plus the accepted clock skew): until then a
 * replay is refused here, after it the assertion itself is refused as expired.
 */
export async function recordAssertionOnce(tx: Tx, organizationId: string, assertionId: string, expiresAt: Date): Promise<boolean> {
  requireSamlId('assertionId', assertionId);
  if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) {
    throw new InvalidInputError('invalid_value', 'expiresAt must be a valid date', { field: 'expiresAt' });
  }
  if (!isId(organizationId)) throw new InvalidInputError('invalid_value', 'organizationId must be an id', { field: 'organizationId' });
  return insertAssertionOnce(tx, organizationId, assertionId, expiresAt);
}

/** Sweeps expired request and assertion ids, of every Organization (a periodic job's work). */
export function deleteExpiredSamlState(tx: Tx): Promise<{ requests: number; assertions: number }> {
  return deleteExpiredSamlRows(tx);
}
