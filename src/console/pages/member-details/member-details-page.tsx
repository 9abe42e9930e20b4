import { Link, useParams } from 'react-router';
import { AddressTabs } from '../../components/address-tabs';
import { QueryView } from '../../components/table';
import { useSignedIn } from '../../components/layout';
import { ApiKeysTab } from './api-keys-tab';
import { GroupsTab } from './groups-tab';
import { memberName } from '../../components/member-name';
import { useMember } from './member-details-api';
import { ProfileTab } from './profile-tab';
import { SubscriptionsTab } from './subscriptions-tab';
import { WorkspacesTab } from './workspaces-tab';

const tabs = [
  { value: 'profile', label: 'Profile', Panel: ProfileTab },
  { value: 'subscriptions', label: 'Subscriptions', Panel: SubscriptionsTab },
  { value: 'workspaces', label: 'Workspaces', Panel: WorkspacesTab },
  { value: 'groups', label: 'Groups', Panel: GroupsTab },
  { value: 'api-keys', label: 'API keys', Panel: ApiKeysTab },
] as const;

/**
 * `/members/:id`: one member's profile, seats, Workspaces, groups and API keys. Admins
 * change them here; Billing reads (no controls). Who may read is Roster's answer: a
 * Member gets its 403, shown as "Not allowed". The tab is in the address (`?tab=groups`).
 */
export function MemberDetailsPage() {
  const { id = '' } = useParams();
  const session = useSignedIn();
  const member = useMember(id);
  const canManage = session.member?.role === 'admin';
  return (
    <>
      <p>
        <Link to="/members">Back to Members</Link>
      </p>
      <QueryView query={member} loading="Loading the member">
        {(data) => (
          <>
            <div className="member-title">
              <h1>{memberName(data)}</h1>
              {(data.email ?? data.userName) !== memberName(data) && <p className="muted">{data.email ?? data.userName}</p>}
            </div>
            <AddressTabs
              label="Member details"
              tabs={tabs.map(({ value, label, Panel }) => ({ value, label, panel: () => <Panel member={data} canManage={canManage} /> }))}
            />
          </>
        )}
      </QueryView>
    </>
  );
}
