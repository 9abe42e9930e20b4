import type { ReactNode } from 'react';
import { ApiError } from '../api/errors';
import { ErrorNotice } from './error-notice';
import { useSignedIn } from './layout';

/**
 * A page only Admins use: anyone else is told "Not allowed" (as Roster would answer them,
 * 403) instead of a page of controls Roster would refuse.
 */
export function AdminsOnly({ what, children }: { what: string; children: ReactNode }) {
  const session = useSignedIn();
  if (session.member?.role !== 'admin') return <ErrorNotice error={new ApiError(403, 'forbidden_role', `${what} are managed by Admins.`)} />;
  return <>{children}</>;
}
