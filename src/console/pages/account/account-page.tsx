import { Navigate } from 'react-router';
import { useOwnMembership } from '../../api/session';
import { QueryView } from '../../components/table';
import { useSignedIn } from '../../components/layout';
import { ApiKeysSection } from './api-keys-section';
import { LeaveSection } from './leave-section';
import { ProfileSection } from './profile-section';
import { SessionsSection } from './sessions-section';

/**
 * `/account`, for every role: your profile, your API keys, where you are signed in, and
 * leaving the Organization. A session outside any Organization has no account here, so it
 * goes to the start page, which says so.
 */
export function AccountPage() {
  const session = useSignedIn();
  const me = useOwnMembership(session.member !== null);
  if (!session.member) return <Navigate to="/" replace />;
  return (
    <>
      <h1>My account</h1>
      <QueryView query={me} loading="Loading your account">
        {(member) => (
          <>
            <ProfileSection member={member} />
            <ApiKeysSection member={member} />
            <SessionsSection organizationId={session.organizationId} />
            <LeaveSection />
          </>
        )}
      </QueryView>
    </>
  );
}
