import { Link } from 'react-router';
import { pageFor } from '../../components/only-for';
import { DeleteButton } from '../../components/confirm-button';
import { ErrorNotice, useProblem } from '../../components/error-notice';
import { CreateByName, RenameButton } from '../../components/name-forms';
import { ListTable, QueryView } from '../../components/table';
import { useCreateWorkspace, useDeleteWorkspace, useRenameWorkspace, useWorkspaces } from './workspaces-api';

/**
 * `/workspaces` (Admins): every Workspace of the Organization. An Admin makes one by its
 * name (and becomes its admin), renames and deletes them; the default Workspace, which
 * every member is in, has no Delete (Roster refuses it anyway, and that refusal is shown).
 */
export const WorkspacesPage = pageFor(['admin'], 'Workspaces are managed by Admins.', Workspaces);

function Workspaces() {
  const workspaces = useWorkspaces();
  const create = useCreateWorkspace();
  const rename = useRenameWorkspace();
  const remove = useDeleteWorkspace();
  const { problem, report } = useProblem();
  return (
    <>
      <h1>Workspaces</h1>
      <CreateByName
        heading="New Workspace"
        hint="You become its admin; add members and grant groups a role in it from its page."
        label="Workspace name"
        button="Create Workspace"
        onCreate={(name) => create.mutateAsync(name)}
      />
      {problem !== null && <ErrorNotice error={problem} />}
      <QueryView query={workspaces} loading="Loading Workspaces">
        {(list) => (
          <ListTable caption="Workspaces" actions labels={['Name', 'Created']}>
            {list.map((workspace) => (
              <tr key={workspace.id}>
                <th scope="row">
                  <Link to={`/workspaces/${workspace.id}`}>{workspace.name}</Link>
                  {workspace.isDefault && (
                    <span className="badge" title="Every member is in it; it cannot be deleted">
                      Default
                    </span>
                  )}
                </th>
                <td>{new Date(workspace.createdAt).toLocaleDateString()}</td>
                <td className="row-actions">
                  <RenameButton what="Workspace" current={workspace.name} onRename={(name) => rename.mutateAsync({ id: workspace.id, name })} />
                  {!workspace.isDefault && (
                    <DeleteButton name={workspace.name} onConfirm={() => remove.mutate(workspace.id, report)}>
                      Its memberships, group grants and API keys go with it. Its members stay in the Organization.
                    </DeleteButton>
                  )}
                </td>
              </tr>
            ))}
          </ListTable>
        )}
      </QueryView>
    </>
  );
}
