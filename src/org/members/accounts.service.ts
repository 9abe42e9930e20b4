import type { Tx } from '../../db/transaction.js';
import { markAccountEmailVerified, upsertAccountByEmail } from './accounts.repo.js';
import type { Account } from './types.js';
import { requireEmail } from '../organizations/validation.js';

/**
 * The Account of a person who has just proved they receive mail at `email`
 * (a sign-in link reached them): created on first use ("new users create an
 * account"), and marked verified.
 */
export async function accountForVerifiedEmail(tx: Tx, email: string): Promise<Account> {
  const account = await upsertAccountByEmail(tx, requireEmail('email', email), { verified: true });
  if (!account.emailVerifiedAt) {
    await markAccountEmailVerified(tx, account.id);
    return { ...account, emailVerifiedAt: new Date() };
  }
  return account;
}
