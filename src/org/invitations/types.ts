/** Invitations to join an Organization. */
import type { OrganizationRole } from '../organizations/types.js';

export type InvitationStatus = 'pending' | 'accepted' | 'revoked';

/** An offer to join an Organization with a role and seats, made to an email address. */
export interface Invitation {
  id: string;
  organizationId: string;
  email: string;
  role: OrganizationRole;
  /** Products whose seat the invitee takes on joining, each if one is free then. */
  seats: string[];
  status: InvitationStatus;
  /** Pending but past `expiresAt` (by the database's clock): listed and resendable, no longer acceptable. */
  expired: boolean;
  expiresAt: Date;
  invitedByMemberId: string | null;
  acceptedMemberId: string | null;
  createdAt: Date;
  /** When it was last (re)sent, accepted or revoked. */
  updatedAt: Date;
}
