import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/errors';
import { pageFor } from '../../components/only-for';
import { ErrorNotice, Loading } from '../../components/error-notice';
import { WorkspaceGrants } from './workspace-grants';
import { WorkspaceMembers } from './workspace-members';
import { useWorkspaces } from './workspaces-api';

/**
 * `/workspaces/:id` (Admins): one Workspace's direct members and their roles, then the
 * groups whose members get a role here (those grants are set on each group's page).
 */
export const WorkspacePage = pageFor(['admin'], 'Workspaces are managed by Admins.', Workspace);

function Workspace() {
  const { id = '' } = useParams();
  const workspaces = useWorkspaces();
  if (workspaces.isError) return <ErrorNotice error={workspaces.error} />;
  if (workspaces.isPending) return <Loading what="Loading the Workspace" />;
  const workspace = workspaces.data.find((candidate) => candidate.id === id);
  if (!workspace) return <ErrorNotice error={new ApiError(404, 'workspace_not_found', 'No such Workspace in this Organization; it may have been deleted.')} />;
  return (
    <>
      <p>
        <Link to="/workspaces">All Workspaces</Link>
      </p>
      <h1>
        {workspace.name}
        {workspace.isDefault && <span className="badge">Default</span>}
      </h1>
      {workspace.isDefault && (
        <p className="hint">Every member of the Organization is in the default Workspace; their role here can change, but nobody is removed from it.</p>
      )}
      <WorkspaceMembers workspace={workspace} />
      <WorkspaceGrants workspace={workspace} />
    </>
  );
}
