import type { Tx } from '../../db/transaction.js';

/** Whether the Organization has a SAML connection that is switched on, and whether it enforces it; undefined without one. */
export async function selectSsoConnectionState(tx: Tx, organizationId: string): Promise<{ enforced: boolean } | undefined> {
  const row = (await tx('sso_connections').where({ organization_id: organizationId, enabled: true }).first('enforced')) as { enforced: boolean } | undefined;
  return row && { enforced: row.enforced === true };
}
