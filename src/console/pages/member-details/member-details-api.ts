import { useQuery } from '@tanstack/react-query';
import type { Schema } from '../../api/client';
import { unwrap } from '../../api/errors';
import { client } from '../../api/session';
import type { ProfileChanges } from '../../components/profile-form';
import type { WorkspaceRole } from '../../components/workspace-role';
import { memberKeys, usePanelMutation } from '../members/members-api';

export type Member = Schema<'Member'>;

/** What each tab is given: the member as Roster last answered, and whether the viewer may change things. */
export interface TabProps {
  member: Member;
  canManage: boolean;
}

/** One member as their page shows them: profile, seats, Workspaces, groups and API keys. */
export function useMember(id: string) {
  return useQuery({ queryKey: memberKeys.member(id), queryFn: () => unwrap(client.GET('/api/v1/members/{id}', { params: { path: { id } } })) });
}

/*
 * Every change below refetches the member's page, the Members lists and the seat pools
 * (usePanelMutation), whether it worked or not: the page then shows what Roster holds.
 */

export function useUpdateProfile() {
  return usePanelMutation(({ id, changes }: { id: string; changes: ProfileChanges }) =>
    unwrap(client.PATCH('/api/v1/members/{id}/profile', { params: { path: { id } }, body: changes })),
  );
}

/** Adds the member to a Workspace with a direct role, or changes that role. */
export function useSetWorkspaceRole() {
  return usePanelMutation(({ workspaceId, memberId, role }: { workspaceId: string; memberId: string; role: WorkspaceRole }) =>
    unwrap(client.PUT('/api/v1/workspaces/{id}/members/{memberId}', { params: { path: { id: workspaceId, memberId } }, body: { role } })),
  );
}

export function useRemoveFromWorkspace() {
  return usePanelMutation(({ workspaceId, memberId }: { workspaceId: string; memberId: string }) =>
    unwrap(client.DELETE('/api/v1/workspaces/{id}/members/{memberId}', { params: { path: { id: workspaceId, memberId } } })),
  );
}

export function useAddToGroup() {
  return usePanelMutation(({ groupId, memberId }: { groupId: string; memberId: string }) =>
    unwrap(client.POST('/api/v1/groups/{id}/members', { params: { path: { id: groupId } }, body: { memberIds: [memberId] } })),
  );
}

export function useRemoveFromGroup() {
  return usePanelMutation(({ groupId, memberId }: { groupId: string; memberId: string }) =>
    unwrap(client.DELETE('/api/v1/groups/{id}/members/{memberId}', { params: { path: { id: groupId, memberId } } })),
  );
}

export function useRevokeApiKey() {
  return usePanelMutation((id: string) => unwrap(client.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })));
}
