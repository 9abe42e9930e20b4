import { Navigate } from 'react-router';
import { ErrorNotice, Loading } from '../components/error-notice';
import { roleName, useSignedIn } from '../components/layout';
import { useOrganization, useOwnMembership } from '../api/session';
import { Fact } from '../components/fact';

/** The console's start page: who you are, where, with what. A Member's console is My account alone, so they start there. */
export function HomePage() {
  const session = useSignedIn();
  const inOrganization = session.member !== null;
  const isMember = session.member?.role === 'member';
  const organization = useOrganization(inOrganization && !isMember);
  const me = useOwnMembership(inOrganization && !isMember);
  if (isMember) return <Navigate to="/account" replace />;
  if (!inOrganization) {
    return (
      <>
        <h1>Welcome to Roster</h1>
        <p>
          You are signed in as <strong>{session.account.email}</strong>, and not a member of an Organization in this session. Open an invitation link from your
          mail to join one, or ask an Organization’s admin to invite you.
        </p>
      </>
    );
  }
  if (organization.isError || me.isError) return <ErrorNotice error={organization.error ?? me.error} />;
  if (organization.isPending || me.isPending) return <Loading />;
  const name = [me.data.firstName, me.data.lastName].filter(Boolean).join(' ');
  return (
    <>
      <h1>Welcome{name ? `, ${name}` : ''}</h1>
      <section aria-labelledby="my-account" className="panel">
        <h2 id="my-account">My account</h2>
        <dl className="facts facts-wide">
          <Fact label="Organization" value={organization.data.name} />
          <Fact label="Email" value={me.data.email ?? me.data.userName} />
          <Fact label="Role" value={roleName(me.data.role)} />
          <Fact label="Seats" value={me.data.seats.length > 0 ? me.data.seats.join(', ') : 'None'} />
        </dl>
      </section>
    </>
  );
}
