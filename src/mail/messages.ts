import type { OutgoingMail } from './outbox.repo.js';

/** The wording of every mail Roster sends. */

const roleNames = { admin: 'an Admin', billing: 'a Billing admin', member: 'a Member' } as const;

export function invitationMail(
  invitation: { email: string; role: keyof typeof roleNames; expiresAt: Date },
  organizationName: string,
  joinUrl: string,
): OutgoingMail {
  return {
    to: invitation.email,
    subject: `You are invited to join ${organizationName} on Roster`,
    text:
      `You are invited to join ${organizationName} on Roster as ${roleNames[invitation.role]}.\n\n` +
      `Open this link and sign in with this email address (${invitation.email}) to accept. It works until ${invitation.expiresAt.toUTCString()}:\n\n` +
      `${joinUrl}\n\nIf you did not expect this invitation, ignore this message.`,
  };
}

export function signInLinkMail(email: string, signInUrl: string): OutgoingMail {
  return {
    to: email,
    subject: 'Your Roster sign-in link',
    text: `Sign in to Roster with this link. It works once, for the next 15 minutes:\n\n${signInUrl}\n\nIf you did not ask to sign in, ignore this message.`,
  };
}
