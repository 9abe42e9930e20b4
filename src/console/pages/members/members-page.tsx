import { Tabs } from 'radix-ui';
import { ErrorNotice, Loading } from '../../components/error-notice';
import { useSignedIn } from '../../components/layout';
import { pageFor } from '../../components/only-for';
import { ActiveUsers } from './active-users';
import { InviteDialog } from './invite-dialog';
import { InvitedUsers } from './invited-users';
import { useSeatPools } from './members-api';

/**
 * The Members panel: Active Users and Invited Users. Admins manage both; Billing
 * reads the Active Users (no invite, role or remove controls); a Member is not
 * shown the panel, and Roster refuses them the list anyway (403, shown as such).
 */
export const MembersPage = pageFor(['admin', 'billing'], 'The Members panel is for Admins and Billing.', MembersPanel);

function MembersPanel() {
  const session = useSignedIn();
  const member = session.member!;
  const pools = useSeatPools();
  if (pools.isError) return <ErrorNotice error={pools.error} />;
  if (pools.isPending) return <Loading what="Loading members" />;
  const isAdmin = member.role === 'admin';
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
            <ActiveUsers myId={member.id} canManage pools={pools.data} />
          </Tabs.Content>
          <Tabs.Content value="invited" className="tab-panel">
            <InvitedUsers />
          </Tabs.Content>
        </Tabs.Root>
      ) : (
        <section aria-label="Active Users">
          <ActiveUsers myId={member.id} canManage={false} pools={pools.data} />
        </section>
      )}
    </>
  );
}
