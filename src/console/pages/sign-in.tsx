import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { unwrap } from '../api/errors';
import { client } from '../api/session';
import { ErrorNotice } from '../components/error-notice';
import { Page } from '../components/layout';

/** `/sign-in`: an email link (the 202 of `POST /auth/email`). */
export function SignInPage() {
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const send = useMutation({ mutationFn: (address: string) => unwrap(client.POST('/auth/email', { body: { email: address } })) });
  if (send.isSuccess) {
    return (
      <Page title="Check your mail">
        <p>
          If <strong>{send.variables}</strong> may sign in to Roster, a sign-in link is on its way. It works once, for{' '}
          {Math.round(send.data.expiresInSeconds / 60)} minutes.
        </p>
        <button type="button" className="button-secondary" onClick={() => send.reset()}>
          Use another address
        </button>
      </Page>
    );
  }
  return (
    <Page title="Sign in to Roster">
      {params.get('error') && <p role="alert">{params.get('error')}</p>}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          send.mutate(email.trim());
        }}
      >
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
        <button type="submit" disabled={send.isPending}>
          Continue
        </button>
      </form>
      {send.isError && <ErrorNotice error={send.error} />}
    </Page>
  );
}
