import type { Tx } from '../../db/transaction.js';
import { DomainError } from '../../errors.js';
import { assertEmailMaySignInWithoutSso } from '../sso-connections/sso-connections.service.js';
import { refuse, type AdmissionRefusal } from './refusals.js';

/** SSO enforcement on the address's domain, as a refusal; undefined when the address may sign in without SSO. */
export async function ssoRequiredFor(tx: Tx, email: string): Promise<AdmissionRefusal<'sso_required'> | undefined> {
  try {
    await assertEmailMaySignInWithoutSso(tx, email);
    return undefined;
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'sso_required') throw error;
    return refuse.ssoRequired(error);
  }
}
