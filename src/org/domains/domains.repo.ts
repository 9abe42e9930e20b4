import { isUniqueViolation } from '../../db/pg-errors.js';
import type { Tx } from '../../db/transaction.js';
import type { Domain, DomainStatus } from './types.js';

interface DomainRow {
  id: string;
  organization_id: string;
  domain: string;
  verification_token: string;
  status: DomainStatus;
  verified_at: Date | null;
  last_checked_at: Date | null;
  last_error: string | null;
  auto_join: boolean;
  created_at: Date;
  updated_at: Date;
}

/** The value of the TXT record that proves control of a domain. */
export function txtRecordOf(token: string): string {
  return `roster-verification=${token}`;
}

function optionalDate(value: Date | null): Date | null {
  return value === null ? null : new Date(value);
}

function rowToDomain(row: DomainRow): Domain {
  return {
    id: row.id,
    organizationId: row.organization_id,
    domain: row.domain,
    status: row.status,
    verificationToken: row.verification_token,
    txtRecord: txtRecordOf(row.verification_token),
    verifiedAt: optionalDate(row.verified_at),
    lastCheckedAt: optionalDate(row.last_checked_at),
    lastError: row.last_error,
    autoJoin: row.auto_join,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** Inserts the claim; undefined when the Organization has already claimed the domain. */
export async function insertDomain(
  tx: Tx,
  domain: { id: string; organizationId: string; domain: string; verificationToken: string },
): Promise<Domain | undefined> {
  const [row] = (await tx('domains')
    .insert({ id: domain.id, organization_id: domain.organizationId, domain: domain.domain, verification_token: domain.verificationToken })
    .onConflict(['organization_id', 'domain'])
    .ignore()
    .returning('*')) as DomainRow[];
  return row && rowToDomain(row);
}

export async function selectDomain(tx: Tx, organizationId: string, id: string): Promise<Domain | undefined> {
  const row = await tx<DomainRow>('domains').where({ organization_id: organizationId, id }).first();
  return row && rowToDomain(row);
}

export async function selectDomains(tx: Tx, organizationId: string): Promise<Domain[]> {
  const rows = await tx<DomainRow>('domains').where({ organization_id: organizationId }).orderBy('domain');
  return rows.map(rowToDomain);
}

/** The one verified claim of `domain`, in any Organization, or only in the given one. */
export async function selectVerifiedDomain(tx: Tx, domain: string, organizationId?: string): Promise<Domain | undefined> {
  const query = tx<DomainRow>('domains').where({ domain, status: 'verified' });
  if (organizationId !== undefined) query.andWhere({ organization_id: organizationId });
  const row = await query.first();
  return row && rowToDomain(row);
}

/** Whether a write failed because another Organization holds the domain verified (the unique index on verified domains). */
export function isVerifiedElsewhereViolation(error: unknown): boolean {
  return isUniqueViolation(error, 'domains_verified_unique');
}

/**
 * Marks a pending claim verified. Undefined when it is no longer pending. The
 * partial unique index `domains_verified_unique` refuses it when another
 * Organization's claim of the same domain is verified, also one not yet committed.
 */
export async function markDomainVerified(tx: Tx, organizationId: string, id: string): Promise<Domain | undefined> {
  const [row] = (await tx('domains')
    .where({ organization_id: organizationId, id, status: 'pending' })
    .update({ status: 'verified', verified_at: tx.fn.now(), last_checked_at: tx.fn.now(), last_error: null, updated_at: tx.fn.now() })
    .returning('*')) as DomainRow[];
  return row && rowToDomain(row);
}

/** Records a failed check on a pending claim. Undefined when it is no longer pending. */
export async function markDomainCheckFailed(tx: Tx, organizationId: string, id: string, reason: string): Promise<Domain | undefined> {
  const [row] = (await tx('domains')
    .where({ organization_id: organizationId, id, status: 'pending' })
    .update({ last_checked_at: tx.fn.now(), last_error: reason, updated_at: tx.fn.now() })
    .returning('*')) as DomainRow[];
  return row && rowToDomain(row);
}

/** Sets auto-join; switching it on only takes on a verified claim. Undefined when nothing matched. */
export async function updateDomainAutoJoin(tx: Tx, organizationId: string, id: string, autoJoin: boolean): Promise<Domain | undefined> {
  const query = tx('domains').where({ organization_id: organizationId, id });
  if (autoJoin) query.andWhere({ status: 'verified' });
  const [row] = (await query.update({ auto_join: autoJoin, updated_at: tx.fn.now() }).returning('*')) as DomainRow[];
  return row && rowToDomain(row);
}

/** Deletes the claim; returns what was deleted. */
export async function deleteDomainRow(tx: Tx, organizationId: string, id: string): Promise<Domain | undefined> {
  const [row] = (await tx('domains').where({ organization_id: organizationId, id }).delete().returning('*')) as DomainRow[];
  return row && rowToDomain(row);
}
