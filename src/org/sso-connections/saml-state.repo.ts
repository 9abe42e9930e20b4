import type { Tx } from '../../db/transaction.js';

/**
 * SAML state shared by every instance, keyed by Organization. Each function is one statement
 * whose atomicity is PostgreSQL's: a row lock decides between racing consumers.
 */

/** Remembers an AuthnRequest id until `ttlSeconds` from now; remembering it again renews it. */
export async function insertSamlRequest(tx: Tx, organizationId: string, requestId: string, ttlSeconds: number): Promise<void> {
  const expiresAt = tx.raw('now() + make_interval(secs => ?)', [ttlSeconds]);
  await tx('saml_requests')
    .insert({ organization_id: organizationId, request_id: requestId, expires_at: expiresAt })
    .onConflict(['organization_id', 'request_id'])
    .merge({ expires_at: expiresAt });
}

/** When a live request id was sent, or undefined: what node-saml asks before it trusts InResponseTo. */
export async function selectLiveSamlRequestCreatedAt(tx: Tx, organizationId: string, requestId: string): Promise<Date | undefined> {
  const row = (await tx('saml_requests')
    .where({ organization_id: organizationId, request_id: requestId })
    .andWhere('expires_at', '>', tx.fn.now())
    .first('created_at')) as { created_at: Date } | undefined;
  return row ? new Date(row.created_at) : undefined;
}

/**
 * Deletes the request id if it is still live, and says whether it did. Of two transactions
 * consuming one id, the second waits on the first one's row lock and then finds nothing.
 */
export async function deleteLiveSamlRequest(tx: Tx, organizationId: string, requestId: string): Promise<boolean> {
  const rows = (await tx('saml_requests')
    .where({ organization_id: organizationId, request_id: requestId })
    .andWhere('expires_at', '>', tx.fn.now())
    .delete()
    .returning('request_id')) as unknown[];
  return rows.length > 0;
}

/**
 * Records the assertion id; true only the first time. A row past its expiry still refuses the id
 * until the sweep removes it: when in doubt, a replay is refused. Racing inserts of one id: the
 * later waits for the earlier to commit, then meets its row.
 */
export async function insertAssertionOnce(tx: Tx, organizationId: string, assertionId: string, expiresAt: Date): Promise<boolean> {
  const rows = (await tx('saml_assertions')
    .insert({ organization_id: organizationId, assertion_id: assertionId, expires_at: expiresAt })
    .onConflict(['organization_id', 'assertion_id'])
    .ignore()
    .returning('assertion_id')) as unknown[];
  return rows.length > 0;
}

/** Sweeps request ids and assertion ids past their expiry; returns how many of each went. */
export async function deleteExpiredSamlRows(tx: Tx): Promise<{ requests: number; assertions: number }> {
  const requests = (await tx('saml_requests').where('expires_at', '<=', tx.fn.now()).delete().returning('request_id')) as unknown[];
  const assertions = (await tx('saml_assertions').where('expires_at', '<=', tx.fn.now()).delete().returning('assertion_id')) as unknown[];
  return { requests: requests.length, assertions: assertions.length };
}
