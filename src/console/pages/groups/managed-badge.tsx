import { Link } from 'react-router';
import { managedHint } from './groups-api';

/** Marks a group the identity provider pushed over SCIM. */
export function ManagedBadge() {
  return (
    <span className="badge" title={managedHint}>
      Managed by SCIM
    </span>
  );
}

/** A group's row header in a list: its name, a link to its page, and the badge when the IdP pushed it. */
export function GroupNameCell({ id, name, managedBy }: { id: string; name: string; managedBy: 'none' | 'scim' }) {
  return (
    <th scope="row">
      <Link to={`/groups/${id}`}>{name}</Link>
      {managedBy === 'scim' && <ManagedBadge />}
    </th>
  );
}
