import { DomainError, type ErrorKind } from '../../errors.js';

/** Every reason admission can give for turning a person away (the codes clients already rely on). */
export type RefusalCode =
  | 'no_email'
  | 'email_domain_not_verified'
  | 'not_provisioned'
  | 'not_a_member'
  | 'member_suspended'
  | 'sso_required'
  | 'already_member'
  | 'already_invited'
  | 'invitation_not_found'
  | 'invitation_used'
  | 'invitation_revoked'
  | 'invitation_expired'
  | 'email_not_verified'
  | 'invitation_email_mismatch';

/**
 * Why admission turned a person away. It is a domain error, so a caller that
 * cannot go on simply throws it and the adapters render it as they always did.
 */
export class AdmissionRefusal<Code extends RefusalCode = RefusalCode> extends DomainError {
  declare readonly code: Code;
  constructor(kind: ErrorKind, code: Code, message: string, details?: Record<string, unknown>) {
    super(kind, code, message, details);
    this.name = 'AdmissionRefusal';
  }
}

const forbidden = <Code extends RefusalCode>(code: Code, message: string, details?: Record<string, unknown>) =>
  new AdmissionRefusal('forbidden', code, message, details);
const conflict = <Code extends RefusalCode>(code: Code, message: string, details?: Record<string, unknown>) =>
  new AdmissionRefusal('conflict', code, message, details);

/** The refusals, worded once. */
export const refuse = {
  noEmail: () => forbidden('no_email', 'The identity provider sent no email address for this person; map an email attribute'),
  emailDomainNotVerified: () => forbidden('email_domain_not_verified', 'This email address is not on a domain the Organization has verified'),
  notProvisioned: () => forbidden('not_provisioned', 'Your identity provider has not provisioned you in this Organization'),
  notAMemberViaSso: () => forbidden('not_a_member', 'You are not a member of this Organization; ask an admin to add you'),
  notAMemberViaEmail: () => forbidden('not_a_member', 'You are not a member of this Organization; ask an admin for an invitation'),
  suspended: () => forbidden('member_suspended', 'Your membership of this Organization is suspended'),
  /** Keeps the enforcement check's own wording and details (which Organization, which domain, where to sign in). */
  ssoRequired: (error: DomainError) => forbidden('sso_required', error.message, error.details),
  alreadyMember: (emails: string[], message: string) => conflict('already_member', message, { emails }),
  alreadyJoined: () => conflict('already_member', 'You are already a member of this Organization'),
  alreadyInvited: (emails: string[], message: string) => conflict('already_invited', message, { emails }),
  invitationNotFound: () =>
    new AdmissionRefusal('not_found', 'invitation_not_found', 'This invitation link is invalid or was replaced by a newer one; ask for a new invitation'),
  invitationUsed: () => conflict('invitation_used', 'This invitation has already been accepted'),
  invitationRevoked: () => conflict('invitation_revoked', 'This invitation was revoked; ask an admin for a new one'),
  invitationExpired: (expiresAt: Date) =>
    conflict('invitation_expired', 'This invitation has expired; ask an admin to resend it', { expiresAt: expiresAt.toISOString() }),
  emailNotVerified: () => forbidden('email_not_verified', 'Sign in with a verified email address to accept an invitation'),
  invitationEmailMismatch: () =>
    forbidden('invitation_email_mismatch', 'This invitation was sent to another email address; sign in with the address it was sent to'),
};
