import { managedHint } from './groups-api';

/** Marks a group the identity provider pushed over SCIM. */
export function ManagedBadge() {
  return (
    <span className="badge" title={managedHint}>
      Managed by SCIM
    </span>
  );
}
