/** Email domains an Organization claims. */

export type DomainStatus = 'pending' | 'verified';

/** An email domain claimed by an Organization, verified by a DNS TXT record on the domain itself. */
export interface Domain {
  id: string;
  organizationId: string;
  /** Lower-case ASCII (IDNs as punycode), no trailing dot. */
  domain: string;
  status: DomainStatus;
  verificationToken: string;
  /** The TXT record to publish on `domain`: `roster-verification=<token>`. */
  txtRecord: string;
  verifiedAt: Date | null;
  lastCheckedAt: Date | null;
  /** Why the last check did not verify the domain; null once verified. */
  lastError: string | null;
  /** People whose verified email is on this domain join the Organization when they sign in. */
  autoJoin: boolean;
  createdAt: Date;
  updatedAt: Date;
}
