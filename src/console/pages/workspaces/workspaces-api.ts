import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schema } from '../../api/client';
import { unwrap } from '../../api/errors';
import { client } from '../../api/session';
import type { WorkspaceRole } from '../../components/workspace-role';

export type Workspace = Schema<'Workspace'>;

/** The Workspaces pages' query keys: a change refetches the list, or one Workspace's members. */
export const workspaceKeys = {
  all: ['workspaces'] as const,
  list: ['workspaces', 'list'] as const,
  members: (id: string) => ['workspaces', id, 'members'] as const,
  grants: (id: string) => ['workspaces', id, 'grants'] as const,
};

const pageSize = 50;

/** Every Workspace of the Organization (an Admin sees them all; Roster does not page this list). */
export function useWorkspaces(enabled = true) {
  return useQuery({ queryKey: workspaceKeys.list, queryFn: async () => (await unwrap(client.GET('/api/v1/workspaces'))).workspaces, enabled });
}

function useListMutation<Input, Output>(mutationFn: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn, onSettled: () => queryClient.invalidateQueries({ queryKey: workspaceKeys.list }) });
}

export const useCreateWorkspace = () => useListMutation((name: string) => unwrap(client.POST('/api/v1/workspaces', { body: { name } })));

export const useRenameWorkspace = () =>
  useListMutation(({ id, name }: { id: string; name: string }) =>
    unwrap(client.PATCH('/api/v1/workspaces/{id}', { params: { path: { id } }, body: { name } })),
  );

export const useDeleteWorkspace = () => useListMutation((id: string) => unwrap(client.DELETE('/api/v1/workspaces/{id}', { params: { path: { id } } })));

/** One page of the Workspace's direct members, by userName, from `cursor` on. */
export function useWorkspaceMembers(id: string, cursor: string | undefined) {
  return useQuery({
    queryKey: [...workspaceKeys.members(id), cursor ?? null],
    queryFn: () =>
      unwrap(client.GET('/api/v1/workspaces/{id}/members', { params: { path: { id }, query: { limit: pageSize, ...(cursor ? { cursor } : {}) } } })),
    placeholderData: keepPreviousData,
  });
}

/** One page of the groups that grant a role in the Workspace, by displayName. */
export function useWorkspaceGrants(id: string, cursor: string | undefined) {
  return useQuery({
    queryKey: [...workspaceKeys.grants(id), cursor ?? null],
    queryFn: () =>
      unwrap(client.GET('/api/v1/workspaces/{id}/grants', { params: { path: { id }, query: { limit: pageSize, ...(cursor ? { cursor } : {}) } } })),
    placeholderData: keepPreviousData,
  });
}

function useMembersMutation<Input, Output>(id: string, mutationFn: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn, onSettled: () => queryClient.invalidateQueries({ queryKey: workspaceKeys.members(id) }) });
}

/** Adds the member with a role, or changes the role of one already in (one PUT does both). */
export const useSetWorkspaceMember = (id: string) =>
  useMembersMutation(id, ({ memberId, role }: { memberId: string; role: WorkspaceRole }) =>
    unwrap(client.PUT('/api/v1/workspaces/{id}/members/{memberId}', { params: { path: { id, memberId } }, body: { role } })),
  );

export const useRemoveWorkspaceMember = (id: string) =>
  useMembersMutation(id, (memberId: string) => unwrap(client.DELETE('/api/v1/workspaces/{id}/members/{memberId}', { params: { path: { id, memberId } } })));
