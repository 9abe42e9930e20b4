import { isId, newId } from '../../db/ids.js';
import type { Tx } from '../../db/transaction.js';
import { InvalidInputError, NotFoundError } from '../../errors.js';
import { upsertAccountByEmail } from '../members/accounts.repo.js';
import { deleteAuditEventsOf } from '../audit/audit.repo.js';
import { recordEvent, recordEvents } from '../audit/audit.service.js';
import { addMember } from '../members/members.service.js';
import { forgetScimTokensOf } from '../credentials/credentials.service.js';
import { deleteOrganizationRow, insertOrganization, lockOrganization, selectOrganization, updateOrganizationName } from './organizations.repo.js';
import type { Actor, Organization } from './types.js';
import type { Member } from '../members/types.js';
import type { Workspace } from '../workspaces/types.js';
import { requireEmail, requireText } from './validation.js';
import { insertWorkspace } from '../workspaces/workspaces.repo.js';

export interface NewOrganization {
  name: string;
  adminEmail: string;
  adminGivenName?: string | null;
  adminFamilyName?: string | null;
}

const defaultWorkspaceName = 'Default';

/** Creates an Organization with its default Workspace and its first Admin, who belongs to an Account. */
export async function createOrganization(
  tx: Tx,
  actor: Actor,
  input: NewOrganization,
): Promise<{ organization: Organization; admin: Member; defaultWorkspace: Workspace }> {
  const name = requireText('name', input.name, 200);
  const adminEmail = requireEmail('adminEmail', input.adminEmail);
  const organization = await insertOrganization(tx, newId(), name);
  const defaultWorkspace = await insertWorkspace(tx, {
    id: newId(),
    organizationId: organization.id,
    name: defaultWorkspaceName,
    isDefault: true,
    createdByMemberId: null,
  });
  await recordEvents(tx, organization.id, actor, [
    { action: 'organization.created', target: { type: 'organization', id: organization.id }, data: { name } },
    { action: 'workspace.created', target: { type: 'workspace', id: defaultWorkspace.id }, data: { name: defaultWorkspaceName, default: true } },
  ]);
  const account = await upsertAccountByEmail(tx, adminEmail, { givenName: input.adminGivenName, familyName: input.adminFamilyName });
  const admin = await addMember(tx, actor, organization.id, {
    profile: {
      userName: adminEmail,
      emails: [{ value: adminEmail, type: 'work', primary: true }],
      name: { givenName: input.adminGivenName ?? null, familyName: input.adminFamilyName ?? null },
    },
    role: 'admin',
    source: 'bootstrap',
    accountId: account.id,
  });
  return { organization, admin, defaultWorkspace };
}

export async function getOrganization(tx: Tx, organizationId: string): Promise<Organization> {
  const organization = isId(organizationId) ? await selectOrganization(tx, organizationId) : undefined;
  if (!organization) throw new NotFoundError('organization', organizationId);
  return organization;
}

export async function renameOrganization(tx: Tx, actor: Actor, organizationId: string, name: string): Promise<Organization> {
  const newName = requireText('name', name, 200);
  const current = await getOrganization(tx, organizationId);
  if (current.name === newName) return current;
  const organization = (await updateOrganizationName(tx, organizationId, newName))!;
  await recordEvent(tx, organizationId, actor, {
    action: 'organization.renamed',
    target: { type: 'organization', id: organizationId },
    data: { from: current.name, to: newName },
  });
  return organization;
}

export interface DeleteOptions {
  /** When given, the deletion goes ahead only if this is the Organization's current name, exactly: a typed confirmation. */
  confirmName?: string;
}

/**
 * Deletes the Organization and everything in it: members, seats, Workspaces,
 * groups, tokens, keys, sessions and its audit log. One record stays: the
 * deletion itself, so the operator can still answer "who deleted it, and when".
 */
export async function deleteOrganization(tx: Tx, actor: Actor, organizationId: string, options: DeleteOptions = {}): Promise<void> {
  const organization = isId(organizationId) ? await lockOrganization(tx, organizationId) : undefined;
  if (!organization) throw new NotFoundError('organization', organizationId);
  // Compared under the row lock, so a rename racing the deletion cannot slip past it.
  if (options.confirmName !== undefined && options.confirmName !== organization.name) {
    throw new InvalidInputError('confirmation_mismatch', 'To delete the Organization, confirm with its current name, exactly as it is written', {
      field: 'confirmName',
    });
  }
  await deleteAuditEventsOf(tx, organizationId);
  await deleteOrganizationRow(tx, organizationId);
  forgetScimTokensOf(organizationId, tx);
  await recordEvent(tx, organizationId, actor, {
    action: 'organization.deleted',
    target: { type: 'organization', id: organizationId },
    data: { name: organization.name },
  });
}
