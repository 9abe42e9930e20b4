import { Link, useParams } from 'react-router';
import { pageFor } from '../../components/only-for';
import { QueryView } from '../../components/table';
import { GroupGrants } from './group-grants';
import { GroupMembers } from './group-members';
import { managedHint, useGroup } from './groups-api';
import { ManagedBadge } from './managed-badge';

/**
 * `/groups/:id` (Admins): a group's members and the Workspace roles it grants them. A group
 * the identity provider pushed keeps its members for the IdP; its grants are set here.
 */
export const GroupPage = pageFor(['admin'], 'Groups are managed by Admins.', Group);

function Group() {
  const { id = '' } = useParams();
  const group = useGroup(id);
  return (
    <>
      <p>
        <Link to="/groups">All groups</Link>
      </p>
      <QueryView query={group} loading="Loading the group">
        {(found) => (
          <>
            <h1>
              {found.displayName}
              {found.managedBy === 'scim' && <ManagedBadge />}
            </h1>
            {found.managedBy === 'scim' && <p className="hint">{managedHint}</p>}
            <GroupMembers group={found} />
            <GroupGrants group={found} />
          </>
        )}
      </QueryView>
    </>
  );
}
