import { randomBytes } from 'node:crypto';
import { isId, newId } from '../../db/ids.js';
import type { Tx } from '../../db/transaction.js';
import { DnsLookupError, type TxtLookup } from '../../dns/txt-resolver.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.js';
import { recordEvent } from '../audit/audit.service.js';
import { isConsumerDomain } from './consumer-domains.js';
import { emailDomain, isPublicSuffix, normaliseDomain } from './domain-names.js';
import {
  deleteDomainRow,
  insertDomain,
  isVerifiedElsewhereViolation,
  markDomainCheckFailed,
  markDomainVerified,
  selectDomain,
  selectDomains,
  selectVerifiedDomain,
  txtRecordOf,
  updateDomainAutoJoin,
} from './domains.repo.js';
import { selectOrganization } from '../organizations/organizations.repo.js';
import type { Actor } from '../organizations/types.js';
import type { Domain } from './types.js';

/**
 * Email domains an Organization claims and proves with a DNS TXT record
 * `roster-verification=<token>` on the domain itself. Any number of Organizations
 * may claim a domain; at most one holds it verified, and only that one may let
 * people with addresses on it join automatically.
 *
 * Audit: `domain.claimed`, `domain.verified`, `domain.verification_failed` (every
 * failed check: it changes the claim's last check and reason, and tells admins who
 * tried and why it failed), `domain.auto_join_changed`, `domain.deleted`.
 */

export async function getDomain(tx: Tx, organizationId: string, domainId: string): Promise<Domain> {
  const domain = isId(organizationId) && isId(domainId) ? await selectDomain(tx, organizationId, domainId) : undefined;
  if (!domain) throw new NotFoundError('domain', domainId);
  return domain;
}

export function listDomains(tx: Tx, organizationId: string): Promise<Domain[]> {
  return isId(organizationId) ? selectDomains(tx, organizationId) : Promise.resolve([]);
}

/**
 * The name an admin typed, normalised and checked: a hostname, a registrable domain or a name
 * under one (not a public suffix such as co.uk or github.io), and not a consumer mail domain.
 */
function requireClaimableDomain(value: unknown): string {
  const domain = typeof value === 'string' ? normaliseDomain(value) : undefined;
  if (!domain) {
    throw new InvalidInputError('invalid_domain', 'A domain is a hostname such as example.com: labels of letters, digits and "-", separated by dots', {
      domain: value,
    });
  }
  refuseUnclaimable(domain);
  return domain;
}

/** Throws why the domain cannot be claimed; verification asks too, so a claim made before the rules or lists refused its name is never verified. */
function refuseUnclaimable(domain: string): void {
  const refusal = unclaimableBecause(domain);
  if (refusal) throw refusal;
}

/** Why a normalised domain can be neither claimed nor matched, or undefined when it can. */
function unclaimableBecause(domain: string): InvalidInputError | undefined {
  if (isPublicSuffix(domain)) {
    return new InvalidInputError(
      'public_suffix',
      `${domain} is a public suffix: names under it belong to different owners (Public Suffix List); claim your own domain under it, such as example.${domain}`,
      { domain },
    );
  }
  if (isConsumerDomain(domain)) {
    return new InvalidInputError('consumer_domain', `${domain} is a public email provider; only an Organization's own domain can be claimed`, { domain });
  }
  return undefined;
}

/** Claims a domain, pending until its TXT record is found. Another Organization's verified claim does not stop a claim, only a verification. */
export async function claimDomain(tx: Tx, actor: Actor, organizationId: string, domainName: string): Promise<Domain> {
  const name = requireClaimableDomain(domainName);
  if (!isId(organizationId) || !(await selectOrganization(tx, organizationId))) throw new NotFoundError('organization', organizationId);
  // 192 random bits: nobody can publish the record before being shown it.
  const domain = await insertDomain(tx, { id: newId(), organizationId, domain: name, verificationToken: randomBytes(24).toString('base64url') });
  if (!domain) throw new ConflictError('domain_already_claimed', `The Organization has already claimed ${name}`, { domain: name });
  await recordEvent(tx, organizationId, actor, { action: 'domain.claimed', target: { type: 'domain', id: domain.id }, data: { domain: name } });
  return domain;
}

/** What a TXT lookup found: whether the record was there and, if not, why. */
export interface DomainCheck {
  domain: string;
  token: string;
  verified: boolean;
  /** The reason an admin reads when `verified` is false. */
  reason: string | null;
}

/**
 * Looks for the claim's TXT record. No database: a route can run it between two
 * short transactions, so no connection or lock is held while DNS answers.
 */
export async function checkDomainTxt(domain: Pick<Domain, 'domain' | 'verificationToken'>, lookupTxt: TxtLookup): Promise<DomainCheck> {
  const expected = txtRecordOf(domain.verificationToken);
  const check = { domain: domain.domain, token: domain.verificationToken };
  let records: string[][];
  try {
    records = await lookupTxt(domain.domain);
  } catch (error) {
    if (error instanceof DnsLookupError) return { ...check, verified: false, reason: error.message };
    throw error;
  }
  // A record longer than 255 bytes comes as several character-strings; they are joined without spaces, as for SPF (RFC 7208 §3.3).
  if (records.some((chunks) => chunks.join('').trim() === expected)) return { ...check, verified: true, reason: null };
  return { ...check, verified: false, reason: `no TXT record ${expected} found on ${domain.domain}` };
}

async function refuseVerifiedElsewhere(tx: Tx, organizationId: string, domain: string): Promise<void> {
  const holder = await selectVerifiedDomain(tx, domain);
  if (holder && holder.organizationId !== organizationId) throw verifiedElsewhere(domain);
}

function verifiedElsewhere(domain: string): ConflictError {
  return new ConflictError('domain_verified_elsewhere', `${domain} is already verified by another Organization`, { domain });
}

/**
 * Writes the outcome of `checkDomainTxt`: verified, or still pending with the
 * reason. A claim already verified is returned unchanged.
 */
export async function recordDomainCheck(tx: Tx, actor: Actor, organizationId: string, domainId: string, check: DomainCheck): Promise<Domain> {
  const domain = await getDomain(tx, organizationId, domainId);
  if (domain.status === 'verified') return domain;
  refuseUnclaimable(domain.domain);
  if (check.domain !== domain.domain || check.token !== domain.verificationToken) {
    throw new InvalidInputError('domain_check_mismatch', 'The check was made for another domain claim');
  }
  if (!check.verified) {
    const failed = await markDomainCheckFailed(tx, organizationId, domainId, check.reason ?? 'verification failed');
    if (!failed) return getDomain(tx, organizationId, domainId);
    await recordEvent(tx, organizationId, actor, {
      action: 'domain.verification_failed',
      target: { type: 'domain', id: domainId },
      data: { domain: domain.domain, reason: failed.lastError },
    });
    return failed;
  }
  await refuseVerifiedElsewhere(tx, organizationId, domain.domain);
  let verified: Domain | undefined;
  try {
    verified = await markDomainVerified(tx, organizationId, domainId);
  } catch (error) {
    // Another Organization's verification of the domain committed in between.
    if (isVerifiedElsewhereViolation(error)) throw verifiedElsewhere(domain.domain);
    throw error;
  }
  if (!verified) return getDomain(tx, organizationId, domainId);
  await recordEvent(tx, organizationId, actor, { action: 'domain.verified', target: { type: 'domain', id: domainId }, data: { domain: domain.domain } });
  return verified;
}

/**
 * Checks the claim's TXT record and records the outcome. A failed check is not
 * an error: the claim stays pending and `lastError` says why. The lookup runs
 * inside the caller's transaction before any write, so no row lock is held while
 * DNS answers; a route that wants no connection held either uses
 * `checkDomainTxt` and `recordDomainCheck` in two transactions.
 */
export async function verifyDomain(tx: Tx, actor: Actor, organizationId: string, domainId: string, lookupTxt: TxtLookup): Promise<Domain> {
  const domain = await getDomain(tx, organizationId, domainId);
  if (domain.status === 'verified') return domain;
  refuseUnclaimable(domain.domain);
  await refuseVerifiedElsewhere(tx, organizationId, domain.domain);
  return recordDomainCheck(tx, actor, organizationId, domainId, await checkDomainTxt(domain, lookupTxt));
}

/** Turns auto-join on (verified claims only) or off. */
export async function setDomainAutoJoin(tx: Tx, actor: Actor, organizationId: string, domainId: string, on: boolean): Promise<Domain> {
  if (typeof on !== 'boolean') throw new InvalidInputError('invalid_value', 'autoJoin must be true or false', { field: 'autoJoin' });
  const domain = await getDomain(tx, organizationId, domainId);
  if (domain.autoJoin === on) return domain;
  const updated = await updateDomainAutoJoin(tx, organizationId, domainId, on);
  if (!updated) {
    throw new ConflictError('domain_not_verified', `${domain.domain} is not verified yet; verify it before turning on auto-join`, { domain: domain.domain });
  }
  await recordEvent(tx, organizationId, actor, {
    action: 'domain.auto_join_changed',
    target: { type: 'domain', id: domainId },
    data: { domain: domain.domain, autoJoin: on },
  });
  return updated;
}

export async function deleteDomain(tx: Tx, actor: Actor, organizationId: string, domainId: string): Promise<void> {
  const deleted = isId(organizationId) && isId(domainId) ? await deleteDomainRow(tx, organizationId, domainId) : undefined;
  if (!deleted) throw new NotFoundError('domain', domainId);
  await recordEvent(tx, organizationId, actor, {
    action: 'domain.deleted',
    target: { type: 'domain', id: domainId },
    data: { domain: deleted.domain, status: deleted.status },
  });
}

/**
 * The verified claim of an email address's domain (or of a domain), whichever
 * Organization holds it; undefined when none does or the input is not one.
 * Only the exact domain matches: a verified acme.test says nothing of eng.acme.test.
 * A domain that could not be claimed today (a public suffix or a consumer mail
 * domain, verified before the rule or the lists said so) matches nothing.
 */
export async function findVerifiedDomain(tx: Tx, emailOrDomain: string): Promise<Domain | undefined> {
  if (typeof emailOrDomain !== 'string') return undefined;
  const name = emailOrDomain.includes('@') ? emailDomain(emailOrDomain) : normaliseDomain(emailOrDomain);
  return name && !unclaimableBecause(name) ? selectVerifiedDomain(tx, name) : undefined;
}

/** Whether the email address is on a domain the Organization has verified (and that could be claimed today). */
export async function isVerifiedDomainOf(tx: Tx, organizationId: string, email: string): Promise<boolean> {
  if (!isId(organizationId) || typeof email !== 'string') return false;
  const name = emailDomain(email);
  return name !== undefined && !unclaimableBecause(name) && (await selectVerifiedDomain(tx, name, organizationId)) !== undefined;
}
