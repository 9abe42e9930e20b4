/** What each code the server sends a browser back to the sign-in page with means, and what to do next. */
const problems = new Map<string, { title: string; text: string }>([
  ['link_used', { title: 'This sign-in link was already used', text: 'Each link works once. Enter your email below for a new one.' }],
  ['link_expired', { title: 'This sign-in link has expired', text: 'Links work for 15 minutes. Enter your email below for a new one.' }],
  ['link_invalid', { title: 'This sign-in link does not work', text: 'It may be incomplete or from an older mail. Enter your email below for a new one.' }],
  ['sso_required', { title: 'Your Organization signs you in with SSO', text: 'Enter your email below to continue with your identity provider.' }],
  ['member_suspended', { title: 'Your membership is suspended', text: 'Ask an admin of your Organization to reactivate it.' }],
  ['not_a_member', { title: 'You are not a member of that Organization', text: 'Ask one of its admins to invite you.' }],
]);

/**
 * Why the server sent a browser back to the sign-in page (`/sign-in?error=<code>`), in words,
 * with what to do next.
 */
export function signInProblem(code: string): { title: string; text: string } {
  return problems.get(code) ?? { title: 'Signing in did not work', text: `Try again with a new link (${code}).` };
}
