/**
 * A member's first two cells in a Workspace's or a group's member list: the name (with a
 * Suspended badge) as the row's header, then the userName.
 */
export function MemberCells({ member }: { member: { displayName: string | null; userName: string; status: 'active' | 'suspended' } }) {
  return (
    <>
      <th scope="row">
        {member.displayName ?? member.userName}
        {member.status === 'suspended' && <span className="badge badge-warning">Suspended</span>}
      </th>
      <td>{member.userName}</td>
    </>
  );
}
