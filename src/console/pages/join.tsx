import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { isApiError, unwrap } from '../api/errors';
import { client, keys, useSession, type CurrentSession } from '../api/session';
import { ErrorNotice, Loading } from '../components/error-notice';
import { Page, roleName } from '../components/layout';
import { unknownInvitation, whyNotJoinable, type InvitationPreview } from './join-explanations';
import { Fact } from '../components/fact';

const previewKey = (token: string) => ['invitation-preview', token] as const;

/** `/join?token=…`, the links mailed before they carried the token in the path: the same page. */
export function JoinByQueryPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  if (token) return <Navigate to={`/join/${encodeURIComponent(token)}`} replace />;
  return <Page title="This invitation link is incomplete">{unknownInvitation()}</Page>;
}

/**
 * `/join/<token>`: what the invitation offers (`POST /auth/invitations/preview`), then the way
 * in: sign in (an email link, which creates the Account on first use and comes back here),
 * join (`POST /auth/invitations/accept`), give a name if the Account has none, and on into the
 * console. A link that cannot be used says why and what to do.
 */
export function JoinPage() {
  const token = useParams().token ?? '';
  const joinPath = `/join/${encodeURIComponent(token)}`;
  const session = useSession();
  const preview = useQuery({
    queryKey: previewKey(token),
    queryFn: () => unwrap(client.POST('/auth/invitations/preview', { body: { token } })),
    // Read once: after joining, the invitation reads "accepted", and this page must go on to the console.
    staleTime: Infinity,
  });
  if (preview.isPending || session.isPending) return <Loading what="Opening your invitation" />;
  if (preview.isError) {
    if (isApiError(preview.error, 404)) return <Page title="This invitation link does not work">{unknownInvitation()}</Page>;
    return (
      <Page title="Join an Organization">
        <ErrorNotice error={preview.error} />
      </Page>
    );
  }
  if (session.isError)
    return (
      <Page title="Join an Organization">
        <ErrorNotice error={session.error} />
      </Page>
    );
  const invitation = preview.data;
  const problem = whyNotJoinable(invitation, joinPath);
  if (problem) return <Page title={problem.title}>{problem.body}</Page>;
  return (
    <Page title={`Join ${invitation.organization.name}`}>
      <Offer invitation={invitation} />
      {session.data ? <SignedIn invitation={invitation} token={token} session={session.data} /> : <SignInToJoin invitation={invitation} joinPath={joinPath} />}
    </Page>
  );
}

function Offer({ invitation }: { invitation: InvitationPreview }) {
  return (
    <dl className="facts facts-wide">
      <Fact label="Organization" value={invitation.organization.name} />
      <Fact label="Role" value={roleName(invitation.role)} />
      <Fact label="Seats" value={invitation.seats.length > 0 ? invitation.seats.join(', ') : 'None'} />
      <Fact label="Invited address" value={invitation.email} />
    </dl>
  );
}

function SignInToJoin({ invitation, joinPath }: { invitation: InvitationPreview; joinPath: string }) {
  const send = useMutation({ mutationFn: () => unwrap(client.POST('/auth/email', { body: { email: invitation.email, next: joinPath } })) });
  if (send.isSuccess) {
    return (
      <div role="status" className="notice notice-info">
        <p className="notice-title">Check your mail</p>
        <p>
          We sent a sign-in link to <strong>{invitation.email}</strong>. Open it in this browser within 15 minutes: it brings you back here to join.
        </p>
      </div>
    );
  }
  return (
    <>
      <p>
        Sign in as <strong>{invitation.email}</strong> to accept. New to Roster? The sign-in link creates your account.
      </p>
      <div className="actions">
        <button type="button" disabled={send.isPending} onClick={() => send.mutate()}>
          Email me a sign-in link
        </button>
      </div>
      {send.isError && <ErrorNotice error={send.error} />}
    </>
  );
}

function SignedIn({ invitation, token, session }: { invitation: InvitationPreview; token: string; session: CurrentSession }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [askName, setAskName] = useState(false);
  const signOut = useMutation({
    mutationFn: () => unwrap(client.POST('/auth/logout')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.session }),
  });
  const accept = useMutation({
    mutationFn: async () => {
      const joined = await unwrap(client.POST('/auth/invitations/accept', { body: { token } }));
      // The session is now in the Organization joined (a new cookie): what is cached belongs to the old one.
      await queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== previewKey(token)[0] });
      const me = await unwrap(client.GET('/api/v1/members/me'));
      return { joined, hasName: Boolean(me.firstName || me.lastName) };
    },
    onSuccess: ({ joined, hasName }) => {
      if (!hasName) setAskName(true);
      else if (joined.seatsUnavailable.length === 0) void navigate('/', { replace: true });
    },
  });
  if (session.account.email.toLowerCase() !== invitation.email.toLowerCase()) {
    return (
      <>
        <div role="alert" className="notice notice-error">
          <p className="notice-title">This invitation is for another address</p>
          <p>
            You are signed in as <strong>{session.account.email}</strong>, but the invitation was sent to <strong>{invitation.email}</strong>. Sign out, then
            sign in as {invitation.email} to accept it — or ask an admin to invite {session.account.email} instead.
          </p>
        </div>
        <div className="actions">
          <button type="button" disabled={signOut.isPending} onClick={() => signOut.mutate()}>
            Sign out and continue as {invitation.email}
          </button>
        </div>
        {signOut.isError && <ErrorNotice error={signOut.error} />}
      </>
    );
  }
  if (accept.isSuccess) return <Joined invitation={invitation} seatsUnavailable={accept.data.joined.seatsUnavailable} askName={askName} />;
  return (
    <>
      <p>
        You are signed in as <strong>{session.account.email}</strong>.
      </p>
      <div className="actions">
        <button type="button" disabled={accept.isPending} onClick={() => accept.mutate()}>
          Join {invitation.organization.name}
        </button>
      </div>
      {accept.isError && <ErrorNotice error={accept.error} />}
    </>
  );
}

/** After joining: a name for an Account that has none, a word about seats that were not free, then the console. */
function Joined({ invitation, seatsUnavailable, askName }: { invitation: InvitationPreview; seatsUnavailable: string[]; askName: boolean }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const saveName = useMutation({
    mutationFn: () => unwrap(client.PATCH('/api/v1/members/me/profile', { body: { firstName: firstName.trim(), lastName: lastName.trim() } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.me });
      void navigate('/', { replace: true });
    },
  });
  return (
    <>
      <div role="status" className="notice notice-info">
        <p className="notice-title">You joined {invitation.organization.name}</p>
        {seatsUnavailable.length > 0 && <p>No {seatsUnavailable.join(', ')} seat was free, so you have none yet: ask an admin for one.</p>}
      </div>
      {askName ? (
        <form
          aria-label="Your name"
          onSubmit={(event) => {
            event.preventDefault();
            saveName.mutate();
          }}
        >
          <p>How should {invitation.organization.name} see your name?</p>
          <label htmlFor="first-name">First name</label>
          <input id="first-name" autoComplete="given-name" required value={firstName} onChange={(event) => setFirstName(event.target.value)} />
          <label htmlFor="last-name">Last name</label>
          <input id="last-name" autoComplete="family-name" required value={lastName} onChange={(event) => setLastName(event.target.value)} />
          <button type="submit" disabled={saveName.isPending}>
            Save and open the console
          </button>
          {saveName.isError && <ErrorNotice error={saveName.error} />}
        </form>
      ) : (
        <div className="actions">
          <button type="button" onClick={() => void navigate('/', { replace: true })}>
            Open the console
          </button>
        </div>
      )}
    </>
  );
}
