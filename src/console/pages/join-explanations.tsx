import { Link } from 'react-router';
import type { Schema } from '../api/client';
import { ssoHref } from './sign-in';

export type InvitationPreview = Schema<'InvitationPreview'>;

const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'short' });

/**
 * A join link that cannot be accepted, each case in its own words with what to do; undefined
 * for a pending invitation the address may accept.
 */
export function whyNotJoinable(preview: InvitationPreview, joinPath: string) {
  const org = preview.organization.name;
  switch (preview.status) {
    case 'expired':
      return {
        title: 'This invitation has expired',
        body: (
          <p>
            Invitations work for 7 days; this one to join <strong>{org}</strong> ended on {dateFormat.format(new Date(preview.expiresAt))}. Ask an admin of{' '}
            {org} to resend it: the new mail brings a fresh link.
          </p>
        ),
      };
    case 'revoked':
      return {
        title: 'This invitation was withdrawn',
        body: (
          <p>
            An admin of <strong>{org}</strong> revoked it, so the link no longer works. If you should still join, ask an admin of {org} to invite you again.
          </p>
        ),
      };
    case 'accepted':
      return {
        title: 'This invitation was already used',
        body: (
          <>
            <p>
              Someone signed in as {preview.email} has accepted it, and each invitation works once. If that was you, sign in to open {org}. If not, ask an admin
              of {org} to resend the invitation.
            </p>
            <p>
              <Link to="/sign-in">Sign in</Link>
            </p>
          </>
        ),
      };
    case 'pending':
      break;
  }
  if (preview.ssoRequired) {
    return {
      title: `${preview.ssoRequired.domain} addresses sign in with SSO`,
      body: (
        <>
          <p>
            {preview.ssoRequired.domain} requires single sign-on through its Organization’s identity provider, so this invitation to <strong>{org}</strong>{' '}
            cannot be accepted with an email link. Sign in with SSO instead, or ask an admin of {org} to invite another address.
          </p>
          <div className="actions">
            <a className="button" href={ssoHref(preview.ssoRequired.loginUrl, joinPath)}>
              Continue with SSO
            </a>
          </div>
        </>
      ),
    };
  }
  return undefined;
}

/** A join link that names no invitation Roster has (mistyped, or replaced when it was resent). */
export function unknownInvitation() {
  return (
    <p>
      Roster has no invitation for this link. It may be incomplete, or the invitation was resent — a resent invitation gets a new link and the old one stops
      working. Look for the newest invitation mail, or ask an admin to resend it.
    </p>
  );
}
