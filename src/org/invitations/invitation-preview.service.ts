import type { Tx } from '../../db/transaction.js';
import { DomainError } from '../../errors.js';
import { findVerifiedDomain } from '../domains/domains.service.js';
import { selectInvitationByTokenHash } from './invitations.repo.js';
import { selectOrganization } from '../organizations/organizations.repo.js';
import { hashSecret } from '../credentials/secrets.js';
import { isSsoEnforcedFor } from '../sso-connections/sso-connections.service.js';
import type { OrganizationRole } from '../organizations/types.js';

export type InvitationPreviewStatus = 'pending' | 'expired' | 'revoked' | 'accepted';

export interface InvitationPreview {
  organizationId: string;
  organizationName: string;
  /** The invited address: the link's holder received it there. */
  email: string;
  role: OrganizationRole;
  /** Products whose seat the invitation offers (each taken on joining if one is free then). */
  seats: string[];
  status: InvitationPreviewStatus;
  expiresAt: Date;
  /**
   * The invited address's domain enforces SSO, so the invitation cannot be accepted (see
   * `acceptInvitation`): the domain, and the Organization whose IdP signs it in.
   */
  ssoRequired: { domain: string; organizationId: string } | null;
}

/**
 * What a join link offers, before its holder signs in: the Organization, the role, the seats,
 * the address it was sent to, and whether it can still be accepted. The token is the
 * credential (as for accepting); an unknown one is `invitation_not_found`, as there.
 */
export async function previewInvitation(tx: Tx, token: unknown): Promise<InvitationPreview> {
  const invitation =
    typeof token === 'string' && token.length > 0 && token.length <= 200 ? await selectInvitationByTokenHash(tx, hashSecret(token)) : undefined;
  const organization = invitation && (await selectOrganization(tx, invitation.organizationId));
  if (!invitation || !organization) {
    throw new DomainError('not_found', 'invitation_not_found', 'This invitation link is invalid or was replaced by a newer one; ask for a new invitation');
  }
  const domain = await findVerifiedDomain(tx, invitation.email);
  const enforced = domain !== undefined && (await isSsoEnforcedFor(tx, domain.organizationId));
  return {
    organizationId: organization.id,
    organizationName: organization.name,
    email: invitation.email,
    role: invitation.role,
    seats: invitation.seats,
    status: invitation.status === 'pending' && invitation.expired ? 'expired' : invitation.status,
    expiresAt: invitation.expiresAt,
    ssoRequired: enforced && domain ? { domain: domain.domain, organizationId: domain.organizationId } : null,
  };
}
