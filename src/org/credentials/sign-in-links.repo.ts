import type { Tx } from '../../db/transaction.js';

export interface SignInLink {
  id: string;
  email: string;
  organizationId: string | null;
  memberId: string | null;
  expiresAt: Date;
}

interface SignInLinkRow {
  id: string;
  email: string;
  organization_id: string | null;
  member_id: string | null;
  expires_at: Date;
}

function rowToSignInLink(row: SignInLinkRow): SignInLink {
  return { id: row.id, email: row.email, organizationId: row.organization_id, memberId: row.member_id, expiresAt: new Date(row.expires_at) };
}

export async function insertSignInLink(
  tx: Tx,
  link: { id: string; tokenHash: string; email: string; organizationId: string | null; memberId: string | null; validSeconds: number },
): Promise<SignInLink> {
  const [row] = (await tx('sign_in_links')
    .insert({
      id: link.id,
      token_hash: link.tokenHash,
      email: link.email,
      organization_id: link.organizationId,
      member_id: link.memberId,
      expires_at: tx.raw('now() + make_interval(secs => ?)', [link.validSeconds]),
    })
    .returning('*')) as SignInLinkRow[];
  return rowToSignInLink(row!);
}

/** Marks the link used if it is unused and unexpired, in one statement: of two concurrent uses, one wins. */
export async function consumeSignInLinkRow(tx: Tx, tokenHash: string): Promise<SignInLink | undefined> {
  const [row] = (await tx('sign_in_links')
    .where({ token_hash: tokenHash })
    .whereNull('used_at')
    .where('expires_at', '>', tx.fn.now())
    .update({ used_at: tx.fn.now() })
    .returning('*')) as SignInLinkRow[];
  return row && rowToSignInLink(row);
}

export type SignInLinkState = 'usable' | 'used' | 'expired';

/** What became of a link, by the database's clock; undefined when there is no such link (or it was dropped). */
export async function selectSignInLinkState(tx: Tx, tokenHash: string): Promise<SignInLinkState | undefined> {
  const row = (await tx('sign_in_links')
    .where({ token_hash: tokenHash })
    .first(tx.raw('used_at IS NOT NULL AS used'), tx.raw('expires_at <= now() AS expired'))) as { used: boolean; expired: boolean } | undefined;
  if (!row) return undefined;
  return row.used ? 'used' : row.expired ? 'expired' : 'usable';
}

/** Links past their time are of no use to anyone; dropped when new ones are made. */
export async function deleteExpiredSignInLinks(tx: Tx): Promise<void> {
  await tx('sign_in_links').where('expires_at', '<', tx.raw("now() - interval '1 day'")).delete().returning('id');
}
