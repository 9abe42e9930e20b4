import type { Tx } from '../../db/transaction.js';

/** The member a NameID signed in as before, in this Organization. */
export async function selectMemberIdByNameId(tx: Tx, organizationId: string, nameId: string): Promise<string | undefined> {
  const row = (await tx('sso_identities').where({ organization_id: organizationId, name_id: nameId }).first('member_id')) as { member_id: string } | undefined;
  return row?.member_id;
}

export async function countSsoIdentitiesOf(tx: Tx, memberId: string): Promise<number> {
  const row = (await tx('sso_identities').where({ member_id: memberId }).count({ n: '*' }).first()) as { n: string | number };
  return Number(row.n);
}

/** Records (or refreshes) that this NameID is this member. */
export async function upsertSsoIdentity(tx: Tx, organizationId: string, nameId: string, memberId: string): Promise<void> {
  await tx.raw(
    `INSERT INTO sso_identities (organization_id, name_id, member_id) VALUES (?, ?, ?)
     ON CONFLICT (organization_id, name_id) DO UPDATE SET member_id = EXCLUDED.member_id, last_sign_in_at = now()`,
    [organizationId, nameId, memberId],
  );
}
