import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schema } from '../../api/client';
import { unwrap } from '../../api/errors';
import { client, keys } from '../../api/session';
import type { ProfileChanges } from '../../components/profile-form';

export type Member = Schema<'Member'>;
export type NewApiKey = Schema<'NewApiKey'>;
export type Session = Schema<'Session'>;

/** My account's query keys: a change refetches what it touched. */
const accountKeys = {
  apiKeys: (memberId: string) => ['account', 'api-keys', memberId] as const,
  sessions: ['account', 'sessions'] as const,
};

/** Your own profile; Roster answers the membership as it now is. */
export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ProfileChanges) => unwrap(client.PATCH('/api/v1/members/me/profile', { body })),
    onSuccess: (member) => queryClient.setQueryData(keys.me, member),
  });
}

/**
 * Your own keys. For an Admin `/api-keys` lists everyone's, so the list always names the
 * member (`memberId`), which Roster accepts from anyone for their own id.
 */
export function useOwnApiKeys(memberId: string) {
  return useQuery({
    queryKey: accountKeys.apiKeys(memberId),
    queryFn: async () => (await unwrap(client.GET('/api/v1/api-keys', { params: { query: { memberId } } }))).apiKeys,
  });
}

function useKeyChange<Input, Output>(memberId: string, call: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: async () => {
      await Promise.all([accountKeys.apiKeys(memberId), keys.me].map((queryKey) => queryClient.invalidateQueries({ queryKey })));
    },
  });
}

export const useCreateApiKey = (memberId: string) =>
  useKeyChange(memberId, (body: { name: string; workspaceId: string }) => unwrap(client.POST('/api/v1/api-keys', { body })));

export const useRevokeApiKey = (memberId: string) =>
  useKeyChange(memberId, (id: string) => unwrap(client.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })));

export function useSessions() {
  return useQuery({ queryKey: accountKeys.sessions, queryFn: async () => (await unwrap(client.GET('/api/v1/sessions'))).sessions });
}

/** Ends sessions by id, one request each (Roster has no "all but this one" call); the list is read again either way. */
export function useEndSessions() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (ids: readonly string[]) => {
      for (const id of ids) await unwrap(client.DELETE('/api/v1/sessions/{id}', { params: { path: { id } } }));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountKeys.sessions }),
  });
}
