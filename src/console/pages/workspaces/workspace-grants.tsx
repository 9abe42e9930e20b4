import { Link } from 'react-router';
import { PageButtons, useCursors } from '../../components/paging';
import { EmptyRow, ListTable, QueryView } from '../../components/table';
import { workspaceRoleName } from '../../components/workspace-role';
import { GroupNameCell } from '../groups/managed-badge';
import { useWorkspaceGrants, type Workspace } from './workspaces-api';

/** The groups that give all their members a role in the Workspace, a page at a time; each links to the group, where its grants change. */
export function WorkspaceGrants({ workspace }: { workspace: Workspace }) {
  const paging = useCursors();
  const grants = useWorkspaceGrants(workspace.id, paging.cursor);
  return (
    <section className="panel" aria-labelledby="workspace-groups">
      <h2 id="workspace-groups">Group grants</h2>
      <p className="hint">
        Every member of these groups holds the role in {workspace.name}. Grant, change or revoke a role on the group’s page (<Link to="/groups">Groups</Link>).
      </p>
      <QueryView query={grants} loading="Loading group grants">
        {(page) => (
          <>
            <ListTable caption={`Groups granting a role in ${workspace.name}`} labels={['Group', 'Role']}>
              {page.grants.length === 0 && <EmptyRow columns={2}>No group grants a role here.</EmptyRow>}
              {page.grants.map((grant) => (
                <tr key={grant.groupId}>
                  <GroupNameCell id={grant.groupId} name={grant.displayName} managedBy={grant.managedBy} />
                  <td>{workspaceRoleName(grant.role)}</td>
                </tr>
              ))}
            </ListTable>
            <PageButtons paging={paging} nextCursor={page.nextCursor} label={`Group grants in ${workspace.name}`} />
          </>
        )}
      </QueryView>
    </section>
  );
}
