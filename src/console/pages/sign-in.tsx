import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { unwrap } from '../api/errors';
import { client, useSession } from '../api/session';
import { ErrorNotice, Loading } from '../components/error-notice';
import { Page } from '../components/layout';
import { ownPath } from '../components/own-path';
import { signInProblem } from './sign-in-messages';

/** The SSO sign-in, coming back to `next` afterwards (Roster checks RelayState the same way). */
export function ssoHref(loginUrl: string, next: string): string {
  return next === '/' ? loginUrl : `${loginUrl}?RelayState=${encodeURIComponent(next)}`;
}

/**
 * `/sign-in`: an email, then the way in that the address has. Home realm discovery first:
 * a domain that enforces SSO goes straight to its IdP, one that offers it gets "Continue with
 * SSO" beside the email link, any other address gets the link (`POST /auth/email`, 202).
 */
export function SignInPage() {
  const [params] = useSearchParams();
  const next = ownPath(params.get('next'));
  const problem = params.get('error');
  const session = useSession();
  const [email, setEmail] = useState('');
  const sendLink = useMutation({
    mutationFn: (address: string) => unwrap(client.POST('/auth/email', { body: { email: address, ...(next === '/' ? {} : { next }) } })),
  });
  const discover = useMutation({
    mutationFn: (address: string) => unwrap(client.POST('/auth/sso/discover', { body: { email: address } })),
    onSuccess: (found, address) => {
      if (found.sso && found.enforced && found.loginUrl) window.location.assign(ssoHref(found.loginUrl, next));
      else if (!found.sso) sendLink.mutate(address);
    },
  });

  if (session.isPending) return <Loading />;
  if (session.data && !problem) return <Navigate to={next} replace />;

  if (sendLink.isSuccess) {
    return (
      <Page title="Check your mail">
        <p>
          If <strong>{sendLink.variables}</strong> may sign in to Roster, a sign-in link is on its way. It works once, for{' '}
          {Math.round(sendLink.data.expiresInSeconds / 60)} minutes. New to Roster? The link creates your account.
        </p>
        <button
          type="button"
          className="button-secondary"
          onClick={() => {
            sendLink.reset();
            discover.reset();
          }}
        >
          Use another address
        </button>
      </Page>
    );
  }
  const found = discover.data;
  if (found?.sso && found.enforced)
    return (
      <Page title="Continue with SSO">
        <Loading what="Taking you to your identity provider" />
      </Page>
    );
  const busy = discover.isPending || sendLink.isPending;
  const { title, text } = problem ? signInProblem(problem) : { title: '', text: '' };
  return (
    <Page title="Sign in to Roster">
      {problem && (
        <div role="alert" className="notice notice-error">
          <p className="notice-title">{title}</p>
          <p>{text}</p>
        </div>
      )}
      {found?.sso && found.loginUrl ? (
        <>
          <p>
            <strong>{discover.variables}</strong> signs in with your Organization’s identity provider.
          </p>
          <div className="actions">
            <a className="button" href={ssoHref(found.loginUrl, next)}>
              Continue with SSO
            </a>
            <button type="button" className="button-secondary" disabled={busy} onClick={() => sendLink.mutate(discover.variables)}>
              Email me a sign-in link instead
            </button>
          </div>
        </>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            discover.mutate(email.trim());
          }}
        >
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
          <button type="submit" disabled={busy}>
            Continue
          </button>
        </form>
      )}
      {discover.isError && <ErrorNotice error={discover.error} />}
      {sendLink.isError && <ErrorNotice error={sendLink.error} />}
    </Page>
  );
}
