import { Switch } from 'radix-ui';
import { Link } from 'react-router';
import type { OrganizationRole } from '../../api/session';
import { ErrorNotice, useProblem } from '../../components/error-notice';
import { EmptyRow, ListTable, QueryView } from '../../components/table';
import { roleName } from '../../components/layout';
import { ConfirmButton } from '../../components/confirm-button';
import { memberName } from '../../components/member-name';
import { useChangeRole, useLeave, useMembers, useRemoveMember, useToggleSeat, type SeatPool } from './members-api';
import { PageButtons } from '../../components/paging';
import { usePaging } from './paging';

const roles: readonly OrganizationRole[] = ['admin', 'billing', 'member'];

/**
 * Active Users: searched and paged by Roster. An Admin changes roles and seats inline
 * and removes members; Billing reads. Whatever Roster refuses is shown above the list
 * in its own words and numbers (the last Admin, no seat left).
 */
export function ActiveUsers({ myId, canManage, pools }: { myId: string; canManage: boolean; pools: SeatPool[] }) {
  const paging = usePaging();
  const members = useMembers(paging.page);
  const changeRole = useChangeRole();
  const toggleSeat = useToggleSeat();
  const remove = useRemoveMember();
  const leave = useLeave();
  const { problem, report } = useProblem();

  return (
    <>
      <div className="filters">
        <label>
          Search by last name or email
          <input type="search" value={paging.text} onChange={(event) => paging.setText(event.target.value)} />
        </label>
        <label>
          Role
          <select value={paging.role ?? ''} onChange={(event) => paging.setRole((event.target.value || undefined) as OrganizationRole | undefined)}>
            <option value="">All roles</option>
            {roles.map((role) => (
              <option key={role} value={role}>
                {roleName(role)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {problem !== null && <ErrorNotice error={problem} />}
      <QueryView query={members} loading="Loading members">
        {(page) => (
          <>
            <ListTable
              caption="Active Users"
              actions
              labels={[
                'Name',
                'Email',
                'Role',
                ...pools.map((pool) => (
                  <>
                    {pool.product} <span className="muted">{pool.available} available</span>
                  </>
                )),
              ]}
            >
              {page.members.length === 0 && <EmptyRow columns={4 + pools.length}>No member matches.</EmptyRow>}
              {page.members.map((member) => {
                const name = memberName(member);
                const email = member.email ?? member.userName;
                return (
                  <tr key={member.id}>
                    <th scope="row">
                      <Link to={`/members/${member.id}`}>{name}</Link>
                      {member.id === myId && <span className="badge">You</span>}
                      {member.managedBy !== 'none' && (
                        <span className="badge" title={`Name and email come from the identity provider (${member.managedBy.toUpperCase()})`}>
                          Managed by {member.managedBy.toUpperCase()}
                        </span>
                      )}
                      {member.status === 'suspended' && <span className="badge badge-warning">Suspended</span>}
                    </th>
                    <td>{email}</td>
                    <td>
                      {canManage ? (
                        <select
                          aria-label={`Role of ${email}`}
                          value={member.role}
                          onChange={(event) => changeRole.mutate({ id: member.id, role: event.target.value as OrganizationRole }, report)}
                        >
                          {roles.map((role) => (
                            <option key={role} value={role}>
                              {roleName(role)}
                            </option>
                          ))}
                        </select>
                      ) : (
                        roleName(member.role)
                      )}
                    </td>
                    {pools.map((pool) => {
                      const on = member.seats.includes(pool.product);
                      return (
                        <td key={pool.product}>
                          {canManage ? (
                            <Switch.Root
                              className="switch"
                              checked={on}
                              aria-label={`${pool.product} seat for ${email}`}
                              onCheckedChange={(checked) => toggleSeat.mutate({ id: member.id, product: pool.product, on: checked }, report)}
                            >
                              <Switch.Thumb className="switch-thumb" />
                            </Switch.Root>
                          ) : (
                            <span>{on ? 'Seat' : '—'}</span>
                          )}
                        </td>
                      );
                    })}
                    <td>
                      {member.id === myId ? (
                        <ConfirmButton label="Leave" title="Leave the Organization?" confirm="Leave" onConfirm={() => leave.mutate(undefined, report)}>
                          You lose access to this Organization, its Workspaces and your seats at once. To come back, an Admin must invite you again.
                        </ConfirmButton>
                      ) : (
                        canManage && (
                          <ConfirmButton
                            label="Remove"
                            accessibleLabel={`Remove ${email}`}
                            title={`Remove ${name}?`}
                            confirm="Remove"
                            onConfirm={() => remove.mutate({ id: member.id }, report)}
                          >
                            {email} loses access at once: sessions, API keys, seats, Workspaces and groups go.
                          </ConfirmButton>
                        )
                      )}
                    </td>
                  </tr>
                );
              })}
            </ListTable>
            <PageButtons paging={paging} nextCursor={page.nextCursor} label="Active Users" />
          </>
        )}
      </QueryView>
    </>
  );
}
