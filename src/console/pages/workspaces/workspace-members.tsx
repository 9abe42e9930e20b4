import { useState } from 'react';
import { RemoveButton } from '../../components/confirm-button';
import { ErrorNotice, useProblem } from '../../components/error-notice';
import { MemberPicker } from '../../components/member-picker';
import { PageButtons, useCursors } from '../../components/paging';
import { EmptyRow, ListTable, QueryView } from '../../components/table';
import { WorkspaceRoleSelect, type WorkspaceRole } from '../../components/workspace-role';
import { useRemoveWorkspaceMember, useSetWorkspaceMember, useWorkspaceMembers, type Workspace } from './workspaces-api';
import { MemberCells } from '../../components/member-cells';

/**
 * The Workspace's direct members, a page at a time: the role changes inline, Remove takes a
 * member out (not of the default Workspace), and a member of the Organization is added with
 * a role. Roster's refusals are shown above the list.
 */
export function WorkspaceMembers({ workspace }: { workspace: Workspace }) {
  const paging = useCursors();
  const members = useWorkspaceMembers(workspace.id, paging.cursor);
  const setMember = useSetWorkspaceMember(workspace.id);
  const remove = useRemoveWorkspaceMember(workspace.id);
  const [newRole, setNewRole] = useState<WorkspaceRole>('contributor');
  const { problem, report } = useProblem();

  return (
    <>
      <section className="panel" aria-labelledby="add-workspace-member">
        <h2 id="add-workspace-member">Add a member</h2>
        <MemberPicker
          action="Add"
          alreadyIn={members.data?.members.map((member) => member.memberId) ?? []}
          onPick={(member) => setMember.mutateAsync({ memberId: member.id, role: newRole })}
        >
          <label htmlFor="new-workspace-role">as</label>
          <WorkspaceRoleSelect id="new-workspace-role" value={newRole} onChange={setNewRole} />
        </MemberPicker>
      </section>
      <section className="panel" aria-labelledby="workspace-members">
        <h2 id="workspace-members">Members and roles</h2>
        {problem !== null && <ErrorNotice error={problem} />}
        <QueryView query={members} loading="Loading members">
          {(page) => (
            <>
              <ListTable caption={`Members of ${workspace.name}`} actions={!workspace.isDefault} labels={['Name', 'Email', 'Role']}>
                {page.members.length === 0 && <EmptyRow columns={4}>No direct member yet.</EmptyRow>}
                {page.members.map((member) => (
                  <tr key={member.memberId}>
                    <MemberCells member={member} />
                    <td>
                      <WorkspaceRoleSelect
                        label={`Role of ${member.userName}`}
                        value={member.role}
                        onChange={(role) => setMember.mutate({ memberId: member.memberId, role }, report)}
                      />
                    </td>
                    {!workspace.isDefault && (
                      <td>
                        <RemoveButton who={member.userName} from={workspace.name} onConfirm={() => remove.mutate(member.memberId, report)}>
                          They lose their direct role here at once; a group’s grant may still give them one.
                        </RemoveButton>
                      </td>
                    )}
                  </tr>
                ))}
              </ListTable>
              <PageButtons paging={paging} nextCursor={page.nextCursor} label={`Members of ${workspace.name}`} />
            </>
          )}
        </QueryView>
      </section>
    </>
  );
}
