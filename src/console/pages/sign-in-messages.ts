/**
 * Why the server sent a browser back to the sign-in page (`/sign-in?error=<code>`), in words,
 * with what to do next.
 */
export function signInProblem(code: string): { title: string; text: string } {
  switch (code) {
    case 'link_used':
      return { title: 'This sign-in link was already used', text: 'Each link works once. Enter your email below for a new one.' };
    case 'link_expired':
      return { title: 'This sign-in link has expired', text: 'Links work for 15 minutes. Enter your email below for a new one.' };
    case 'link_invalid':
      return { title: 'This sign-in link does not work', text: 'It may be incomplete or from an older mail. Enter your email below for a new one.' };
    case 'sso_required':
      return { title: 'Your Organization signs you in with SSO', text: 'Enter your email below to continue with your identity provider.' };
    case 'member_suspended':
      return { title: 'Your membership is suspended', text: 'Ask an admin of your Organization to reactivate it.' };
    case 'not_a_member':
      return { title: 'You are not a member of that Organization', text: 'Ask one of its admins to invite you.' };
    default:
      return { title: 'Signing in did not work', text: `Try again with a new link (${code}).` };
  }
}
