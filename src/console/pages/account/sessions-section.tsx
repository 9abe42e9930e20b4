import { ConfirmButton } from '../../components/confirm-button';
import { ErrorNotice } from '../../components/error-notice';
import { ListTable, QueryView } from '../../components/table';
import { when } from '../../components/when';
import { useEndSessions, useSessions, type Session } from './account-api';

function where(session: Session, organizationId: string | null): string {
  if (session.organizationId === null) return 'No Organization';
  return session.organizationId === organizationId ? 'This Organization' : 'Another Organization';
}

/**
 * Where you are signed in, in every Organization. Any other session can be ended here (it
 * stops working on its next request); this one ends with "Sign out" in the account menu.
 */
export function SessionsSection({ organizationId }: { organizationId: string | null }) {
  const sessions = useSessions();
  const end = useEndSessions();
  const others = sessions.data?.filter((session) => !session.current).map((session) => session.id) ?? [];
  return (
    <section className="panel" aria-labelledby="sessions">
      <div className="title-bar">
        <h2 id="sessions">Sessions</h2>
        {others.length > 0 && (
          <ConfirmButton
            tone="danger"
            label="Sign out other sessions"
            title="Sign out every other session?"
            confirm="Sign them out"
            onConfirm={() => end.mutate(others)}
          >
            {others.length === 1 ? 'The other session stops' : `The ${others.length} other sessions stop`} working on their next request. This one stays signed
            in.
          </ConfirmButton>
        )}
      </div>
      {end.isError && <ErrorNotice error={end.error} />}
      <QueryView query={sessions} loading="Loading your sessions">
        {(list) => (
          <ListTable caption="Your sessions" actions labels={['Signed in', 'Last seen', 'Expires', 'Where']}>
            {list.map((session) => (
              <tr key={session.id}>
                <th scope="row">
                  {when(session.createdAt)}
                  {session.current && <span className="badge badge-ok">This session</span>}
                </th>
                <td>{when(session.lastSeenAt, 'Not yet')}</td>
                <td>{when(session.expiresAt)}</td>
                <td>{where(session, organizationId)}</td>
                <td>
                  {!session.current && (
                    <button
                      type="button"
                      className="button-secondary button-small"
                      aria-label={`Sign out the session signed in ${when(session.createdAt)}`}
                      disabled={end.isPending}
                      onClick={() => end.mutate([session.id])}
                    >
                      Sign out
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </ListTable>
        )}
      </QueryView>
    </section>
  );
}
