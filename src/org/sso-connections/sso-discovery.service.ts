import type { Tx } from '../../db/transaction.js';
import { findVerifiedDomain } from '../domains/domains.service.js';
import { selectSsoConnectionState } from './sso-discovery.repo.js';
import { requireEmail } from '../organizations/validation.js';

export interface SsoDiscovery {
  /** The Organization whose identity provider signs this address in. */
  organizationId: string;
  /** Whether that is the only way in (an email link is refused). */
  enforced: boolean;
}

/** An id no Organization has, looked up when the domain is unknown, so both answers take the same two queries. */
const nobody = '00000000-0000-7000-8000-000000000000';

/**
 * Home realm discovery, before anyone is signed in: does this address sign in through an
 * Organization's SAML IdP? Yes when its domain is verified by an Organization with a SAML
 * connection that is switched on. Domain-level only: nothing about whether the person exists or is a member.
 */
export async function discoverSso(tx: Tx, email: unknown): Promise<SsoDiscovery | undefined> {
  const domain = await findVerifiedDomain(tx, requireEmail('email', email));
  const connection = await selectSsoConnectionState(tx, domain?.organizationId ?? nobody);
  return domain && connection ? { organizationId: domain.organizationId, enforced: connection.enforced } : undefined;
}
