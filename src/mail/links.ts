/**
 * The addresses of Roster's own pages that its mail and sign-in answers send people to, under
 * PUBLIC_URL. Services hand over a token or an id; the shape of the address is decided here.
 */

/**
 * The console page an invitee opens; it calls `POST /auth/invitations/accept` with the token once
 * they are signed in. The token is in the path (access logs write `/join/[token]`); the console
 * still takes the older `/join?token=…` links.
 */
export function invitationJoinUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/join/${encodeURIComponent(token)}`;
}

/** A one-time email sign-in link; `next` (one of Roster's own paths, checked by the caller) is where the browser goes once signed in. */
export function emailSignInUrl(publicUrl: string, token: string, next?: string): string {
  return `${publicUrl}/auth/email/verify?token=${encodeURIComponent(token)}${next ? `&next=${encodeURIComponent(next)}` : ''}`;
}

/** Where a member of an Organization that enforces SSO starts signing in. */
export function ssoLoginUrl(publicUrl: string, organizationId: string): string {
  return `${publicUrl}/sso/${organizationId}/login`;
}
