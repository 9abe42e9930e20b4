import { ChooseWithRole } from '../../components/choose-form';
import { ConfirmButton } from '../../components/confirm-button';
import { ErrorNotice, useProblem } from '../../components/error-notice';
import { EmptyRow, ListTable, QueryView } from '../../components/table';
import { WorkspaceRoleSelect, workspaceRoleName, type WorkspaceRole } from '../../components/workspace-role';
import { useWorkspaces, type Workspace } from '../workspaces/workspaces-api';
import { useGroupGrants, useRevokeGroupGrant, useSetGroupGrant, type Group, type GroupGrant } from './groups-api';

/**
 * The Workspace roles the group gives all its members: granted, changed and revoked here,
 * for IdP-pushed groups too (the IdP owns who is in a group, the Admin what it grants).
 */
export function GroupGrants({ group }: { group: Group }) {
  const grants = useGroupGrants(group.id);
  const workspaces = useWorkspaces();
  const setGrant = useSetGroupGrant(group.id);
  const revoke = useRevokeGroupGrant(group.id);
  const { problem, report } = useProblem();
  const nameOf = (workspaceId: string) => workspaces.data?.find((workspace) => workspace.id === workspaceId)?.name ?? workspaceId;

  return (
    <section className="panel" aria-labelledby="group-grants">
      <h2 id="group-grants">Workspace grants</h2>
      <p className="hint">Every member of {group.displayName} holds the granted role in that Workspace, for as long as they are in the group.</p>
      {problem !== null && <ErrorNotice error={problem} />}
      <QueryView query={grants} loading="Loading grants">
        {(list) => (
          <>
            <ListTable caption={`Workspace grants of ${group.displayName}`} actions labels={['Workspace', 'Role']}>
              {list.length === 0 && <EmptyRow columns={3}>No Workspace role granted yet.</EmptyRow>}
              {list.map((grant) => {
                const name = nameOf(grant.workspaceId);
                return (
                  <tr key={grant.workspaceId}>
                    <th scope="row">{name}</th>
                    <td>
                      <WorkspaceRoleSelect
                        label={`Role in ${name}`}
                        value={grant.role}
                        onChange={(role) => setGrant.mutate({ workspaceId: grant.workspaceId, role }, report)}
                      />
                    </td>
                    <td>
                      <ConfirmButton
                        label="Revoke"
                        accessibleLabel={`Revoke the grant in ${name}`}
                        title={`Revoke ${group.displayName}’s ${workspaceRoleName(grant.role)} role in ${name}?`}
                        confirm="Revoke"
                        onConfirm={() => revoke.mutate(grant.workspaceId, report)}
                      >
                        Its members lose that role at once, unless they hold it some other way.
                      </ConfirmButton>
                    </td>
                  </tr>
                );
              })}
            </ListTable>
            {workspaces.isError && <ErrorNotice error={workspaces.error} />}
            {workspaces.data && (
              <NewGrant grants={list} workspaces={workspaces.data} onGrant={(workspaceId, role) => setGrant.mutate({ workspaceId, role }, report)} />
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}

/** Grant a role in a Workspace the group has none in yet. */
function NewGrant({ grants, workspaces, onGrant }: { grants: GroupGrant[]; workspaces: Workspace[]; onGrant(workspaceId: string, role: WorkspaceRole): void }) {
  const open = workspaces.filter((workspace) => !grants.some((grant) => grant.workspaceId === workspace.id));
  return (
    <div className="grant-form">
      <ChooseWithRole
        title="Grant a Workspace role"
        label="Workspace"
        choices={open}
        loading={false}
        placeholder="Choose a Workspace"
        none="The group grants a role in every Workspace"
        submit="Grant role"
        onChoose={onGrant}
      />
    </div>
  );
}
