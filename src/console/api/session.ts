import { useQuery } from '@tanstack/react-query';
import { createRosterClient, type Schema } from './client';
import { isApiError, unwrap } from './errors';

/** The console's one client (same origin: the session cookie goes along, and the browser's Origin). */
export const client = createRosterClient();

export type CurrentSession = Schema<'CurrentSession'>;
export type OrganizationRole = NonNullable<NonNullable<CurrentSession['member']>['role']>;

/**
 * Query keys in one place, so a mutation can refetch exactly what it changed
 * (`queryClient.invalidateQueries({ queryKey: keys.session })`).
 */
export const keys = {
  session: ['auth', 'session'] as const,
  me: ['members', 'me'] as const,
  organization: ['organization'] as const,
};

/**
 * Who is signed in, or null when nobody is (401). Every page that needs a
 * session reads it through this hook, so they share one request.
 */
export function useSession() {
  return useQuery({
    queryKey: keys.session,
    queryFn: async (): Promise<CurrentSession | null> => {
      try {
        return await unwrap(client.GET('/auth/session'));
      } catch (error) {
        if (isApiError(error, 401)) return null;
        throw error;
      }
    },
  });
}

/** Your own membership (profile, seats, Workspaces…), for a session in an Organization. */
export function useOwnMembership(enabled = true) {
  return useQuery({ queryKey: keys.me, queryFn: () => unwrap(client.GET('/api/v1/members/me')), enabled });
}

export function useOrganization(enabled = true) {
  return useQuery({ queryKey: keys.organization, queryFn: () => unwrap(client.GET('/api/v1/organization')), enabled });
}
