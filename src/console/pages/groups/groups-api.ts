import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schema } from '../../api/client';
import { unwrap } from '../../api/errors';
import { client } from '../../api/session';
import type { WorkspaceRole } from '../../components/workspace-role';
import { workspaceKeys } from '../workspaces/workspaces-api';

export type Group = Schema<'Group'>;
export type GroupGrant = Schema<'GroupGrant'>;

/** The Groups pages' query keys: a change refetches the list and the group it touched. */
const groupKeys = {
  all: ['groups'] as const,
  list: ['groups', 'list'] as const,
  group: (id: string) => ['groups', id] as const,
  members: (id: string) => ['groups', id, 'members'] as const,
  grants: (id: string) => ['groups', id, 'grants'] as const,
};

const pageSize = 50;

const pageOf = (cursor: string | undefined) => ({ limit: pageSize, ...(cursor ? { cursor } : {}) });

/** Every group, page after page, for a picker that offers them all (Roster gives at most 200 a page). */
export function useEveryGroup(enabled = true) {
  return useQuery({
    queryKey: [...groupKeys.all, 'every'],
    enabled,
    queryFn: async () => {
      const groups: Group[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(client.GET('/api/v1/groups', { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } }));
        groups.push(...page.groups);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return groups;
    },
  });
}

/** One page of the groups, by displayName, from `cursor` on. */
export function useGroups(cursor: string | undefined) {
  return useQuery({
    queryKey: [...groupKeys.list, cursor ?? null],
    queryFn: () => unwrap(client.GET('/api/v1/groups', { params: { query: pageOf(cursor) } })),
    placeholderData: keepPreviousData,
  });
}

export function useGroup(id: string) {
  return useQuery({ queryKey: groupKeys.group(id), queryFn: () => unwrap(client.GET('/api/v1/groups/{id}', { params: { path: { id } } })) });
}

export function useGroupMembers(id: string, cursor: string | undefined) {
  return useQuery({
    queryKey: [...groupKeys.members(id), cursor ?? null],
    queryFn: () => unwrap(client.GET('/api/v1/groups/{id}/members', { params: { path: { id }, query: pageOf(cursor) } })),
    placeholderData: keepPreviousData,
  });
}

export function useGroupGrants(id: string) {
  return useQuery({
    queryKey: groupKeys.grants(id),
    queryFn: async () => (await unwrap(client.GET('/api/v1/groups/{id}/grants', { params: { path: { id } } }))).grants,
  });
}

/**
 * A mutation that refetches every group query once done, whether it worked or not, and the
 * Workspaces' (whose pages list the groups granting a role there).
 */
function useGroupsMutation<Input, Output>(mutationFn: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: () => Promise.all([groupKeys.all, workspaceKeys.all].map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}

export const useCreateGroup = () => useGroupsMutation((displayName: string) => unwrap(client.POST('/api/v1/groups', { body: { displayName } })));

export const useRenameGroup = () =>
  useGroupsMutation(({ id, displayName }: { id: string; displayName: string }) =>
    unwrap(client.PATCH('/api/v1/groups/{id}', { params: { path: { id } }, body: { displayName } })),
  );

export const useDeleteGroup = () => useGroupsMutation((id: string) => unwrap(client.DELETE('/api/v1/groups/{id}', { params: { path: { id } } })));

export const useAddGroupMember = (id: string) =>
  useGroupsMutation((memberId: string) => unwrap(client.POST('/api/v1/groups/{id}/members', { params: { path: { id } }, body: { memberIds: [memberId] } })));

export const useRemoveGroupMember = (id: string) =>
  useGroupsMutation((memberId: string) => unwrap(client.DELETE('/api/v1/groups/{id}/members/{memberId}', { params: { path: { id, memberId } } })));

/** Grants the group a role in the Workspace, or changes the role it grants there. */
export const useSetGroupGrant = (id: string) =>
  useGroupsMutation(({ workspaceId, role }: { workspaceId: string; role: WorkspaceRole }) =>
    unwrap(client.PUT('/api/v1/groups/{id}/grants/{workspaceId}', { params: { path: { id, workspaceId } }, body: { role } })),
  );

export const useRevokeGroupGrant = (id: string) =>
  useGroupsMutation((workspaceId: string) => unwrap(client.DELETE('/api/v1/groups/{id}/grants/{workspaceId}', { params: { path: { id, workspaceId } } })));

/** Said wherever an IdP-pushed group's name or members would be edited. */
export const managedHint = 'The identity provider manages this group’s name and members over SCIM; change them there. Its Workspace grants are set here.';
