import { ChooseForm } from '../../components/choose-form';
import { RemoveButton } from '../../components/confirm-button';
import { ErrorNotice, useProblem } from '../../components/error-notice';
import { EmptyRow, ListTable } from '../../components/table';
import { memberName } from '../../components/member-name';
import { useEveryGroup } from '../groups/groups-api';
import { useAddToGroup, useRemoveFromGroup, type Member, type TabProps } from './member-details-api';

/**
 * Groups: the member's groups. An Admin adds them to a group and takes them out of one; a group
 * the IdP pushes over SCIM keeps its members for the IdP, so it is read-only here (and not offered).
 */
export function GroupsTab({ member, canManage }: TabProps) {
  const add = useAddToGroup();
  const remove = useRemoveFromGroup();
  const { problem, report } = useProblem();
  const name = memberName(member);
  return (
    <section className="panel" aria-labelledby="groups-heading">
      <h2 id="groups-heading">Groups</h2>
      {problem !== null && <ErrorNotice error={problem} />}
      {canManage && <AddToGroup member={member} onAdd={(groupId) => add.mutate({ groupId, memberId: member.id }, report)} />}
      <ListTable caption={`Groups of ${name}`} actions={canManage} labels={['Group', 'Kept by']}>
        {member.groups.length === 0 && <EmptyRow columns={canManage ? 3 : 2}>In no group.</EmptyRow>}
        {member.groups.map((group) => (
          <tr key={group.id}>
            <th scope="row">
              {group.displayName}
              {group.managedBy === 'scim' && <span className="badge">Managed by SCIM</span>}
            </th>
            <td>{group.managedBy === 'scim' ? 'The identity provider (read-only here)' : 'Admins'}</td>
            {canManage && (
              <td>
                {group.managedBy === 'none' && (
                  <RemoveButton
                    who={name}
                    from={group.displayName}
                    accessibleLabel={`Remove from ${group.displayName}`}
                    onConfirm={() => remove.mutate({ groupId: group.id, memberId: member.id }, report)}
                  >
                    The Workspace roles {group.displayName} grants no longer reach them.
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

/** Add to one of the Admins' groups the member is not in yet. */
function AddToGroup({ member, onAdd }: { member: Member; onAdd(groupId: string): void }) {
  const groups = useEveryGroup();
  const current = new Set(member.groups.map((group) => group.id));
  const choices = (groups.data ?? [])
    .filter((group) => group.managedBy === 'none' && !current.has(group.id))
    .map((group) => ({ id: group.id, name: group.displayName }));
  return (
    <ChooseForm
      title="Add to a group"
      label="Group"
      choices={choices}
      loading={groups.isPending}
      error={groups.error}
      placeholder="Choose a group"
      none="No other group to add to"
      submit="Add to group"
      onChoose={onAdd}
    />
  );
}
