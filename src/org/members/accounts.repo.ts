import type { Tx } from '../../db/transaction.js';
import { newId } from '../../db/ids.js';
import type { Account } from './types.js';

interface AccountRow {
  id: string;
  email: string;
  email_verified_at: Date | null;
  given_name: string | null;
  family_name: string | null;
  display_name: string | null;
}

function rowToAccount(row: AccountRow): Account {
  return {
    id: row.id,
    email: row.email,
    emailVerifiedAt: row.email_verified_at ? new Date(row.email_verified_at) : null,
    givenName: row.given_name,
    familyName: row.family_name,
    displayName: row.display_name,
  };
}

async function selectAccountByEmail(tx: Tx, email: string): Promise<Account | undefined> {
  const row = await tx<AccountRow>('accounts').whereRaw('lower(email) = lower(?)', [email]).first();
  return row && rowToAccount(row);
}

export async function selectAccount(tx: Tx, id: string): Promise<Account | undefined> {
  const row = await tx<AccountRow>('accounts').where({ id }).first();
  return row && rowToAccount(row);
}

/** Returns the Account of this email, creating it if there is none; safe under concurrent calls. */
export async function upsertAccountByEmail(
  tx: Tx,
  email: string,
  fields: { givenName?: string | null; familyName?: string | null; verified?: boolean } = {},
): Promise<Account> {
  await tx.raw(
    `INSERT INTO accounts (id, email, given_name, family_name, email_verified_at)
     VALUES (?, ?, ?, ?, CASE WHEN ? THEN now() END)
     ON CONFLICT (lower(email)) DO NOTHING`,
    [newId(), email, fields.givenName ?? null, fields.familyName ?? null, fields.verified ?? false],
  );
  const account = await selectAccountByEmail(tx, email);
  if (!account) throw new Error(`Account for ${email} vanished after upsert`);
  return account;
}

export async function markAccountEmailVerified(tx: Tx, id: string): Promise<void> {
  await tx('accounts').where({ id }).whereNull('email_verified_at').update({ email_verified_at: tx.fn.now(), updated_at: tx.fn.now() });
}
