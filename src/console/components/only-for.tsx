import type { ComponentType, ReactNode } from 'react';
import { ApiError } from '../api/errors';
import type { OrganizationRole } from '../api/session';
import { ErrorNotice } from './error-notice';
import { useSignedIn } from './layout';

/**
 * A page for some roles only: anyone else is told "Not allowed" (what Roster answers them, 403)
 * instead of controls Roster would refuse. The server still decides every request; this only
 * keeps the console from offering what the role cannot do.
 */
function OnlyFor({ roles, refusal, children }: { roles: readonly OrganizationRole[]; refusal: string; children: ReactNode }) {
  const role = useSignedIn().member?.role;
  if (!role || !roles.includes(role)) return <ErrorNotice error={new ApiError(403, 'forbidden_role', refusal)} />;
  return <>{children}</>;
}

/** A route's page that only `roles` are shown (see OnlyFor); anyone else reads `refusal`. */
export function pageFor(roles: readonly OrganizationRole[], refusal: string, Page: ComponentType): ComponentType {
  return function PageForRoles() {
    return (
      <OnlyFor roles={roles} refusal={refusal}>
        <Page />
      </OnlyFor>
    );
  };
}
