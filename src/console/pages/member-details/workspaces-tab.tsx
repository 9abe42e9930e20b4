import { ChooseWithRole } from '../../components/choose-form';
import { RemoveButton } from '../../components/confirm-button';
import { ErrorNotice, useProblem } from '../../components/error-notice';
import { memberName } from '../../components/member-name';
import { EmptyRow, ListTable } from '../../components/table';
import { WorkspaceRoleSelect, workspaceRoleName, type WorkspaceRole } from '../../components/workspace-role';
import { useWorkspaces } from '../workspaces/workspaces-api';
import { useRemoveFromWorkspace, useSetWorkspaceRole, type Member, type TabProps } from './member-details-api';

/**
 * Workspaces: where the member works and with which role — the strongest of their direct role
 * and their groups' grants. An Admin adds them to a Workspace, changes the direct role and
 * removes it; never from the default Workspace (every member is in it), whatever Roster says is shown.
 */
export function WorkspacesTab({ member, canManage }: TabProps) {
  const setRole = useSetWorkspaceRole();
  const remove = useRemoveFromWorkspace();
  const { problem, report } = useProblem();
  const groupNames = new Map(member.groups.map((group) => [group.id, group.displayName]));
  const name = memberName(member);
  return (
    <section className="panel" aria-labelledby="workspaces-heading">
      <h2 id="workspaces-heading">Workspaces</h2>
      {problem !== null && <ErrorNotice error={problem} />}
      {canManage && <AddToWorkspace member={member} onAdd={(workspaceId, role) => setRole.mutate({ workspaceId, memberId: member.id, role }, report)} />}
      <ListTable caption={`Workspaces of ${name}`} actions={canManage} labels={['Workspace', 'Role', 'Direct role', 'Through groups']}>
        {member.workspaces.length === 0 && <EmptyRow columns={canManage ? 5 : 4}>In no Workspace.</EmptyRow>}
        {member.workspaces.map((workspace) => (
          <tr key={workspace.id}>
            <th scope="row">
              {workspace.name}
              {workspace.isDefault && <span className="badge">Default</span>}
            </th>
            <td>{workspaceRoleName(workspace.role)}</td>
            <td>
              {canManage && workspace.direct ? (
                <WorkspaceRoleSelect
                  label={`Direct role in ${workspace.name}`}
                  value={workspace.direct}
                  onChange={(role) => setRole.mutate({ workspaceId: workspace.id, memberId: member.id, role }, report)}
                />
              ) : workspace.direct ? (
                workspaceRoleName(workspace.direct)
              ) : (
                '—'
              )}
            </td>
            <td>
              {workspace.viaGroups.length === 0
                ? '—'
                : workspace.viaGroups.map((via) => `${groupNames.get(via.groupId) ?? 'A group'} (${workspaceRoleName(via.role)})`).join(', ')}
            </td>
            {canManage && (
              <td>
                {workspace.direct && !workspace.isDefault && (
                  <RemoveButton
                    who={name}
                    from={workspace.name}
                    accessibleLabel={`Remove from ${workspace.name}`}
                    onConfirm={() => remove.mutate({ workspaceId: workspace.id, memberId: member.id }, report)}
                  >
                    Their direct role in {workspace.name} goes at once; a role their groups grant there stays.
                  </RemoveButton>
                )}
              </td>
            )}
          </tr>
        ))}
      </ListTable>
    </section>
  );
}

/** Add to a Workspace the member has no direct role in yet, with a role. */
function AddToWorkspace({ member, onAdd }: { member: Member; onAdd(workspaceId: string, role: WorkspaceRole): void }) {
  const workspaces = useWorkspaces();
  const direct = new Set(member.workspaces.filter((workspace) => workspace.direct).map((workspace) => workspace.id));
  const choices = (workspaces.data ?? []).filter((workspace) => !direct.has(workspace.id));
  return (
    <ChooseWithRole
      title="Add to a Workspace"
      label="Workspace"
      choices={choices}
      loading={workspaces.isPending}
      error={workspaces.error}
      placeholder="Choose a Workspace"
      none="In every Workspace already"
      submit="Add to Workspace"
      onChoose={onAdd}
    />
  );
}
