import { randomBytes } from 'node:crypto';
import { inTransaction, type Tx } from '../../src/db/transaction.js';
import { addMember, type NewMember } from '../../src/org/members/members.service.js';
import { createOrganization } from '../../src/org/organizations/organizations.service.js';
import type { Actor, Organization } from '../../src/org/organizations/types.js';
import type { Member } from '../../src/org/members/types.js';
import type { Workspace } from '../../src/org/workspaces/types.js';
import { db } from './database.js';

export const system: Actor = { type: 'system', id: 'test' };

export function unique(prefix = 'x'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Runs `work` in its own transaction on the test database, as a route would. */
export function tx<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction(db(), work);
}

export interface TestOrganization {
  organization: Organization;
  admin: Member;
  defaultWorkspace: Workspace;
  id: string;
  /** The first Admin as an actor. */
  adminActor: Actor;
}

/** A fresh Organization with its first Admin: each test builds its own. */
export async function makeOrganization(name = unique('Org')): Promise<TestOrganization> {
  const created = await tx((t) => createOrganization(t, system, { name, adminEmail: `${unique('admin')}@example.test` }));
  return { ...created, id: created.organization.id, adminActor: { type: 'member', id: created.admin.id } };
}

export async function makeMember(organizationId: string, overrides: Partial<NewMember> = {}, actor: Actor = system): Promise<Member> {
  const userName = overrides.profile?.userName ?? `${unique('user')}@example.test`;
  return tx((t) =>
    addMember(t, actor, organizationId, {
      source: 'invitation',
      ...overrides,
      profile: { userName, emails: [{ value: userName, type: 'work', primary: true }], ...overrides.profile },
    }),
  );
}

/** Runs `work` and returns what it threw; fails when it did not throw. */
export async function rejectionOf(work: Promise<unknown>): Promise<Error & { code?: string; kind?: string; details?: Record<string, unknown> }> {
  try {
    await work;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

export async function countRows(table: string, where: Record<string, unknown>): Promise<number> {
  const row = (await db()(table).where(where).count({ count: '*' }).first()) as { count: string | number };
  return Number(row.count);
}
