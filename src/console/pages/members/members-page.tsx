import { Tabs } from 'radix-ui';
import { ApiError } from '../../api/errors';
import { ErrorNotice, Loading } from '../../components/error-notice';
import { useSignedIn } from '../../components/layout';
import { ActiveUsers } from './active-users';
import { InviteDialog } from './invite-dialog';
import { InvitedUsers } from './invited-users';
import { useSeatPools } from './members-api';

/**
 * The Members panel: Active Users and Invited Users. Admins manage both; Billing
 * reads the Active Users (no invite, role or remove controls); a Member is not
 * shown the panel, and Roster refuses them the list anyway (403, shown as such).
 */
export function MembersPage() {
  const session = useSignedIn();
  const role = session.member?.role;
  const pools = useSeatPools();
  if (!session.member || role === 'member' || !role) {
    return <ErrorNotice error={new ApiError(403, 'forbidden_role', 'The Members panel is for Admins and Billing.')} />;
  }
  if (pools.isError) return <ErrorNotice error={pools.error} />;
  if (pools.isPending) return <Loading what="Loading members" />;
  const isAdmin = role === 'admin';
  return (
    <>
      <div className="title-bar">
        <h1>Members</h1>
        {isAdmin && <InviteDialog pools={pools.data} />}
      </div>
      {isAdmin ? (
        <Tabs.Root defaultValue="active">
          <Tabs.List className="tabs" aria-label="Members">
            <Tabs.Trigger className="tab" value="active">
              Active Users
            </Tabs.Trigger>
            <Tabs.Trigger className="tab" value="invited">
              Invited Users
            </Tabs.Trigger>
          </Tabs.List>
          <Tabs.Content value="active" className="tab-panel">
            <ActiveUsers myId={session.member.id} canManage pools={pools.data} />
          </Tabs.Content>
          <Tabs.Content value="invited" className="tab-panel">
            <InvitedUsers />
          </Tabs.Content>
        </Tabs.Root>
      ) : (
        <section aria-label="Active Users">
          <ActiveUsers myId={session.member.id} canManage={false} pools={pools.data} />
        </section>
      )}
    </>
  );
}
