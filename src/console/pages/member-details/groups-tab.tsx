import { useId, useState, type FormEvent } from 'react';
import { ConfirmButton } from '../../components/confirm-button';
import { ErrorNotice } from '../../components/error-notice';
import { TableHeader } from '../../components/table';
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
  const [problem, setProblem] = useState<unknown>(null);
  const report = { onError: (error: unknown) => setProblem(error), onSuccess: () => setProblem(null) };
  const name = memberName(member);
  return (
    <section className="panel" aria-labelledby="groups-heading">
      <h2 id="groups-heading">Groups</h2>
      {problem !== null && <ErrorNotice error={problem} />}
      {canManage && <AddToGroup member={member} onAdd={(groupId) => add.mutate({ groupId, memberId: member.id }, report)} />}
      <table className="table">
        <caption className="visually-hidden">Groups of {name}</caption>
        <TableHeader actions={canManage} labels={['Group', 'Kept by']} />
        <tbody>
          {member.groups.length === 0 && (
            <tr>
              <td colSpan={canManage ? 3 : 2}>In no group.</td>
            </tr>
          )}
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
                    <ConfirmButton
                      label="Remove"
                      accessibleLabel={`Remove from ${group.displayName}`}
                      title={`Remove ${name} from ${group.displayName}?`}
                      confirm="Remove"
                      onConfirm={() => remove.mutate({ groupId: group.id, memberId: member.id }, report)}
                    >
                      The Workspace roles {group.displayName} grants no longer reach them.
                    </ConfirmButton>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Add to one of the Admins' groups the member is not in yet. */
function AddToGroup({ member, onAdd }: { member: Member; onAdd(groupId: string): void }) {
  const id = useId();
  const groups = useEveryGroup();
  const [groupId, setGroupId] = useState('');
  const current = new Set(member.groups.map((group) => group.id));
  const choices = (groups.data ?? []).filter((group) => group.managedBy === 'none' && !current.has(group.id));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!groupId) return;
    onAdd(groupId);
    setGroupId('');
  };
  if (groups.isError) return <ErrorNotice error={groups.error} />;
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Add to a group">
      <label htmlFor={`${id}-group`}>Group</label>
      <select id={`${id}-group`} value={groupId} onChange={(event) => setGroupId(event.target.value)} disabled={groups.isPending}>
        <option value="">{groups.isPending ? 'Loading…' : choices.length === 0 ? 'No other group to add to' : 'Choose a group'}</option>
        {choices.map((group) => (
          <option key={group.id} value={group.id}>
            {group.displayName}
          </option>
        ))}
      </select>
      <button type="submit" disabled={!groupId}>
        Add to group
      </button>
    </form>
  );
}
