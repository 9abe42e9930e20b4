import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schema } from '../../api/client';
import { unwrap } from '../../api/errors';
import { client } from '../../api/session';

export type SsoState = Schema<'SsoConnection'>;
export type SsoSettings = Partial<
  Pick<NonNullable<SsoState['connection']>, 'enabled' | 'jitEnabled' | 'idpInitiatedEnabled' | 'enforced' | 'autoAssignSeats' | 'autoSeatProducts'>
>;
export type Domain = Schema<'Domain'>;
export type NewScimToken = Schema<'NewScimToken'>;

/** The Access pages' query keys: a change refetches what it touched. */
const accessKeys = {
  sso: ['access', 'sso'] as const,
  seats: ['access', 'seats'] as const,
  domains: ['access', 'domains'] as const,
  scim: ['access', 'scim'] as const,
  scimTokens: ['access', 'scim-tokens'] as const,
};

export const useSso = () => useQuery({ queryKey: accessKeys.sso, queryFn: () => unwrap(client.GET('/api/v1/sso')) });
export const useSeatPools = () => useQuery({ queryKey: accessKeys.seats, queryFn: async () => (await unwrap(client.GET('/api/v1/seats'))).pools });
export const useDomains = () => useQuery({ queryKey: accessKeys.domains, queryFn: async () => (await unwrap(client.GET('/api/v1/domains'))).domains });
export const useScimInfo = () => useQuery({ queryKey: accessKeys.scim, queryFn: () => unwrap(client.GET('/api/v1/scim')) });
export const useScimTokens = () =>
  useQuery({ queryKey: accessKeys.scimTokens, queryFn: async () => (await unwrap(client.GET('/api/v1/scim-tokens'))).scimTokens });

/** The IdP side of SSO, from a metadata document (uploaded) or its URL (Roster fetches it). */
export function useConfigureSso() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { metadataXml: string } | { metadataUrl: string }) => unwrap(client.PUT('/api/v1/sso', { body })),
    onSuccess: (answer) => queryClient.setQueryData(accessKeys.sso, answer),
  });
}

export function useSsoSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SsoSettings) => unwrap(client.PATCH('/api/v1/sso/settings', { body })),
    onSuccess: (answer) => queryClient.setQueryData(accessKeys.sso, answer),
  });
}

export function useDisconnectSso() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE('/api/v1/sso')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accessKeys.sso }),
  });
}

/** Domain changes answer the domain; the list is read again (a new one, a removed one). */
function useDomainChange<Input>(call: (input: Input) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: call, onSuccess: () => queryClient.invalidateQueries({ queryKey: accessKeys.domains }) });
}

export const useClaimDomain = () => useDomainChange((domain: string) => unwrap(client.POST('/api/v1/domains', { body: { domain } })));
export const useVerifyDomain = () => useDomainChange((id: string) => unwrap(client.POST('/api/v1/domains/{id}/verify', { params: { path: { id } } })));
export const useDomainAutoJoin = () =>
  useDomainChange(({ id, autoJoin }: { id: string; autoJoin: boolean }) =>
    unwrap(client.PATCH('/api/v1/domains/{id}', { params: { path: { id } }, body: { autoJoin } })),
  );
export const useDeleteDomain = () => useDomainChange((id: string) => unwrap(client.DELETE('/api/v1/domains/{id}', { params: { path: { id } } })));

export function useCreateScimToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => unwrap(client.POST('/api/v1/scim-tokens', { body: { name } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accessKeys.scimTokens }),
  });
}

export function useRevokeScimToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(client.DELETE('/api/v1/scim-tokens/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accessKeys.scimTokens }),
  });
}
