import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { Schema } from '../../api/client';
import { unwrap } from '../../api/errors';
import { client, type OrganizationRole } from '../../api/session';

export type SeatPool = Schema<'SeatPool'>;
export type InvitationOutcome = Schema<'InvitationOutcome'>;

/** The panel's query keys: a mutation refetches the lists and the pools it may have changed. */
export const memberKeys = {
  members: ['members', 'list'] as const,
  invitations: ['invitations', 'list'] as const,
  seats: ['seats'] as const,
  /** Every member's details page (`/members/:id`); `member(id)` is one of them. */
  details: ['members', 'detail'] as const,
  member: (id: string) => ['members', 'detail', id] as const,
};

/** Refetches everything a change to members may have touched: the lists, the pools and the details pages. */
function refetchMembers(queryClient: QueryClient): Promise<unknown> {
  return Promise.all(
    [memberKeys.members, memberKeys.invitations, memberKeys.seats, memberKeys.details].map((queryKey) => queryClient.invalidateQueries({ queryKey })),
  );
}

/** One page a list shows: the search, the role, and the cursor the page starts at. */
export interface ListPage {
  q: string;
  role?: OrganizationRole;
  cursor?: string;
}

const pageSize = 50;

const query = ({ q, role, cursor }: ListPage) => ({ limit: pageSize, ...(q ? { q } : {}), ...(role ? { role } : {}), ...(cursor ? { cursor } : {}) });

/** A page of Active Users, searched and paged by Roster (never the whole Organization). */
export function useMembers(page: ListPage) {
  return useQuery({
    queryKey: [...memberKeys.members, page],
    queryFn: () => unwrap(client.GET('/api/v1/members', { params: { query: query(page) } })),
    placeholderData: keepPreviousData,
  });
}

export function useInvitations(page: ListPage, enabled: boolean) {
  return useQuery({
    queryKey: [...memberKeys.invitations, page],
    queryFn: () => unwrap(client.GET('/api/v1/invitations', { params: { query: query(page) } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useSeatPools() {
  return useQuery({ queryKey: memberKeys.seats, queryFn: async () => (await unwrap(client.GET('/api/v1/seats'))).pools });
}

/** A mutation that refetches the panel's lists and pools (and details pages) once it is done, whether it worked or not. */
export function usePanelMutation<Input, Output>(mutationFn: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: () => refetchMembers(queryClient),
  });
}

export function useChangeRole() {
  return usePanelMutation(({ id, role }: { id: string; role: OrganizationRole }) =>
    unwrap(client.PATCH('/api/v1/members/{id}/role', { params: { path: { id } }, body: { role } })),
  );
}

export function useToggleSeat() {
  return usePanelMutation(({ id, product, on }: { id: string; product: string; on: boolean }) => {
    const params = { params: { path: { id, product } } };
    return unwrap(on ? client.PUT('/api/v1/members/{id}/seats/{product}', params) : client.DELETE('/api/v1/members/{id}/seats/{product}', params));
  });
}

export function useRemoveMember() {
  return usePanelMutation(({ id }: { id: string }) => unwrap(client.DELETE('/api/v1/members/{id}', { params: { path: { id } } })));
}

/**
 * Leaving ends your membership: everything cached belonged to it. The console goes to its start
 * page and asks Roster again (`resetQueries` drops the data and refetches what is shown, where
 * `clear` would leave the open page's queries with nothing to refetch), so it shows whatever the
 * session now is: signed out, or signed in without an Organization.
 */
export function useLeave() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: () => unwrap(client.POST('/api/v1/members/me/leave')),
    onSuccess: async () => {
      await navigate('/', { replace: true });
      await queryClient.resetQueries();
    },
  });
}

export function useResendInvitation() {
  return usePanelMutation(({ id }: { id: string }) => unwrap(client.POST('/api/v1/invitations/{id}/resend', { params: { path: { id } } })));
}

export function useRevokeInvitation() {
  return usePanelMutation(({ id }: { id: string }) => unwrap(client.DELETE('/api/v1/invitations/{id}', { params: { path: { id } } })));
}

export function useInvite() {
  return usePanelMutation(
    async (body: { emails: string[]; role: OrganizationRole; seats: string[] }) => (await unwrap(client.POST('/api/v1/invitations/batch', { body }))).results,
  );
}

/** The addresses in what was typed or pasted: split at commas, semicolons, spaces and line breaks. */
export function addressesIn(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}
