import { RemoveButton } from '../../components/confirm-button';
import { ErrorNotice, useProblem } from '../../components/error-notice';
import { MemberPicker } from '../../components/member-picker';
import { PageButtons, useCursors } from '../../components/paging';
import { EmptyRow, ListTable, QueryView } from '../../components/table';
import { useAddGroupMember, useGroupMembers, useRemoveGroupMember, type Group } from './groups-api';
import { MemberCells } from '../../components/member-cells';

/** The group's members, a page at a time; an Admin-made group's are added and removed here. */
export function GroupMembers({ group }: { group: Group }) {
  const paging = useCursors();
  const members = useGroupMembers(group.id, paging.cursor);
  const add = useAddGroupMember(group.id);
  const remove = useRemoveGroupMember(group.id);
  const { problem, report } = useProblem();
  const editable = group.managedBy === 'none';
  return (
    <section className="panel" aria-labelledby="group-members">
      <h2 id="group-members">Members</h2>
      {editable && (
        <MemberPicker action="Add" alreadyIn={members.data?.members.map((member) => member.memberId) ?? []} onPick={(member) => add.mutateAsync(member.id)} />
      )}
      {problem !== null && <ErrorNotice error={problem} />}
      <QueryView query={members} loading="Loading members">
        {(page) => (
          <>
            <ListTable caption={`Members of ${group.displayName}`} actions={editable} labels={['Name', 'Email']}>
              {page.members.length === 0 && <EmptyRow columns={3}>No member yet.</EmptyRow>}
              {page.members.map((member) => (
                <tr key={member.memberId}>
                  <MemberCells member={member} />
                  {editable && (
                    <td>
                      <RemoveButton who={member.userName} from={group.displayName} onConfirm={() => remove.mutate(member.memberId, report)}>
                        They lose the Workspace roles this group grants at once, unless they hold them some other way.
                      </RemoveButton>
                    </td>
                  )}
                </tr>
              ))}
            </ListTable>
            <PageButtons paging={paging} nextCursor={page.nextCursor} label={`Members of ${group.displayName}`} />
          </>
        )}
      </QueryView>
    </section>
  );
}
