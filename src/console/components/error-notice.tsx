import { useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ApiError } from '../api/errors';
import { plainWords } from './plain-words';

/** Where the sign-in page sends you back to afterwards: this page. */
export function signInPathReturningTo(location: { pathname: string; search: string }): string {
  return `/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`;
}

/**
 * Shows any failure: an API error in plain words with its status, code and numbers;
 * 401 goes to the sign-in page (which brings you back here); 403 says "Not allowed".
 * Never a blank page.
 */
export function ErrorNotice({ error }: { error: unknown }) {
  const location = useLocation();
  if (error instanceof ApiError && error.status === 401) {
    return <Navigate to={signInPathReturningTo(location)} replace />;
  }
  const apiError = error instanceof ApiError ? error : new ApiError(0, 'unexpected', error instanceof Error ? error.message : String(error));
  const { title, text, facts } = plainWords(apiError);
  return (
    <div role="alert" className="notice notice-error">
      <p className="notice-title">{title}</p>
      <p>{text}</p>
      {facts.length > 0 && (
        <dl className="facts">
          {facts.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      <p className="notice-code">
        {apiError.status > 0 ? `${apiError.status} · ` : ''}
        {apiError.code}
      </p>
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" role="status">
      {what}…
    </p>
  );
}

/**
 * Roster's last refusal of a change made on a panel (shown above its list), and `report`, the
 * options to pass to `mutate`: a failure keeps its error, a success clears it.
 */
export function useProblem() {
  const [problem, setProblem] = useState<unknown>(null);
  return { problem, report: { onError: (error: unknown) => setProblem(error), onSuccess: () => setProblem(null) } };
}

/**
 * A change that waits for Roster's answer: `pending` while it runs; then Roster's refusal kept in
 * `problem`, or, once it is done, `problem` cleared and `then` run (empty the form, close the dialog).
 */
export function useAwaitedChange() {
  const [problem, setProblem] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const run = async (change: () => Promise<unknown>, then: () => void) => {
    setPending(true);
    try {
      await change();
      setProblem(null);
      then();
    } catch (error) {
      setProblem(error);
    } finally {
      setPending(false);
    }
  };
  return { problem, setProblem, pending, run };
}
