import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import type { Schema } from '../../api/client';
import { isApiError, unwrap } from '../../api/errors';
import { client } from '../../api/session';
import type { AuditFilter } from './audit-filters';

export type AuditEvent = Schema<'AuditEvent'>;

const auditPageSize = 50;

/** A page of the audit log, newest first, as Roster filters and pages it. */
export function useAuditEvents(filter: AuditFilter, cursor: string | undefined) {
  return useQuery({
    queryKey: ['audit', 'events', filter, cursor ?? null],
    queryFn: () => unwrap(client.GET('/api/v1/audit-events', { params: { query: { ...filter, limit: auditPageSize, ...(cursor ? { cursor } : {}) } } })),
    placeholderData: keepPreviousData,
  });
}

/**
 * Who the member ids on a page are (the audit log names actors and targets by id): one
 * read per member, shared across pages. A member who has since left is not found (404):
 * the list then shows the id alone.
 */
export function useMemberNames(ids: readonly string[]): ReadonlyMap<string, string> {
  const answers = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['audit', 'member', id],
      queryFn: async () => {
        try {
          const member = await unwrap(client.GET('/api/v1/members/{id}', { params: { path: { id } } }));
          return member.email ?? member.userName;
        } catch (error) {
          if (isApiError(error, 404)) return null;
          throw error;
        }
      },
      staleTime: 5 * 60_000,
    })),
  });
  const names = new Map<string, string>();
  ids.forEach((id, index) => {
    const name = answers[index]?.data;
    if (name) names.set(id, name);
  });
  return names;
}

/** The names of the Organization's SCIM tokens (revoked ones too), read once when a page names a token as its actor. */
export function useScimTokenNames(enabled: boolean): ReadonlyMap<string, string> {
  const tokens = useQuery({
    queryKey: ['audit', 'scim-tokens'],
    queryFn: async () => (await unwrap(client.GET('/api/v1/scim-tokens'))).scimTokens,
    enabled,
    staleTime: 5 * 60_000,
  });
  return new Map((tokens.data ?? []).map((token) => [token.id, token.name]));
}
