import { pageFor } from '../../components/only-for';
import { DeleteButton } from '../../components/confirm-button';
import { ErrorNotice, useProblem } from '../../components/error-notice';
import { CreateByName, RenameButton } from '../../components/name-forms';
import { PageButtons, useCursors } from '../../components/paging';
import { EmptyRow, ListTable, QueryView } from '../../components/table';
import { GroupNameCell } from './managed-badge';
import { useCreateGroup, useDeleteGroup, useGroups, useRenameGroup } from './groups-api';

/**
 * `/groups` (Admins): the Organization's groups by name, a page at a time. Groups an Admin
 * made are renamed and deleted here; those the identity provider pushed over SCIM are
 * marked and read-only (their grants are still set on their page).
 */
export const GroupsPage = pageFor(['admin'], 'Groups are managed by Admins.', Groups);

function Groups() {
  const paging = useCursors();
  const groups = useGroups(paging.cursor);
  const create = useCreateGroup();
  const rename = useRenameGroup();
  const remove = useDeleteGroup();
  const { problem, report } = useProblem();
  return (
    <>
      <h1>Groups</h1>
      <CreateByName
        heading="New group"
        hint="Add its members and grant it Workspace roles from its page."
        label="Group name"
        button="Create group"
        onCreate={(name) => create.mutateAsync(name)}
      />
      {problem !== null && <ErrorNotice error={problem} />}
      <QueryView query={groups} loading="Loading groups">
        {(page) => (
          <>
            <ListTable caption="Groups" actions labels={['Name', 'Created']}>
              {page.groups.length === 0 && <EmptyRow columns={3}>No group yet.</EmptyRow>}
              {page.groups.map((group) => (
                <tr key={group.id}>
                  <GroupNameCell id={group.id} name={group.displayName} managedBy={group.managedBy} />
                  <td>{new Date(group.createdAt).toLocaleDateString()}</td>
                  <td className="row-actions">
                    {group.managedBy === 'scim' ? (
                      <span className="hint">Read-only: the identity provider manages it</span>
                    ) : (
                      <>
                        <RenameButton what="group" current={group.displayName} onRename={(displayName) => rename.mutateAsync({ id: group.id, displayName })} />
                        <DeleteButton name={group.displayName} onConfirm={() => remove.mutate(group.id, report)}>
                          Its members lose the Workspace roles it granted them; they stay in the Organization.
                        </DeleteButton>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </ListTable>
            <PageButtons paging={paging} nextCursor={page.nextCursor} label="Groups" />
          </>
        )}
      </QueryView>
    </>
  );
}
