import type { Tx } from '../../db/transaction.js';
import type { Organization } from './types.js';

interface OrganizationRow {
  id: string;
  name: string;
  created_at: Date;
  updated_at: Date;
}

function rowToOrganization(row: OrganizationRow): Organization {
  return { id: row.id, name: row.name, createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at) };
}

export async function insertOrganization(tx: Tx, id: string, name: string): Promise<Organization> {
  const [row] = await tx<OrganizationRow>('organizations').insert({ id, name }).returning('*');
  return rowToOrganization(row!);
}

export async function selectOrganization(tx: Tx, id: string): Promise<Organization | undefined> {
  const row = await tx<OrganizationRow>('organizations').where({ id }).first();
  return row && rowToOrganization(row);
}

/**
 * Takes the Organization's row lock. Changes that could leave the Organization
 * without an active Admin, or with too many SCIM tokens, take it before they
 * count, so concurrent requests on any instance count one after another.
 */
export async function lockOrganization(tx: Tx, id: string): Promise<Organization | undefined> {
  const row = await tx<OrganizationRow>('organizations').where({ id }).forUpdate().first();
  return row && rowToOrganization(row);
}

export async function updateOrganizationName(tx: Tx, id: string, name: string): Promise<Organization | undefined> {
  const [row] = await tx<OrganizationRow>('organizations')
    .where({ id })
    .update({ name, updated_at: tx.fn.now() as unknown as Date })
    .returning('*');
  return row && rowToOrganization(row);
}

/** Deletes the Organization; foreign keys cascade to everything in it. */
export async function deleteOrganizationRow(tx: Tx, id: string): Promise<boolean> {
  return (await tx('organizations').where({ id }).delete().returning('id')).length > 0;
}
