import { useState } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { EmptyRow, ListTable, QueryView } from '../../components/table';
import { roleName } from '../../components/layout';
import { ConfirmButton } from '../../components/confirm-button';
import { useInvitations, useResendInvitation, useRevokeInvitation } from './members-api';
import { PageButtons } from '../../components/paging';
import { usePaging } from './paging';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Invited Users: pending and expired invitations with their expiry; Resend mails a new link (the old one dies), Revoke kills it. */
export function InvitedUsers() {
  const paging = usePaging();
  const invitations = useInvitations(paging.page, true);
  const resend = useResendInvitation();
  const revoke = useRevokeInvitation();
  const [notice, setNotice] = useState<{ error?: unknown; text?: string } | null>(null);
  const report = (done: string) => ({ onError: (error: unknown) => setNotice({ error }), onSuccess: () => setNotice({ text: done }) });

  return (
    <>
      <div className="filters">
        <label>
          Search by email
          <input type="search" value={paging.text} onChange={(event) => paging.setText(event.target.value)} />
        </label>
      </div>
      {notice?.error !== undefined && <ErrorNotice error={notice.error} />}
      {notice?.text && (
        <p className="notice notice-info" role="status">
          {notice.text}
        </p>
      )}
      <QueryView query={invitations} loading="Loading invitations">
        {(page) => (
          <>
            <ListTable caption="Invited Users" actions labels={['Email', 'Role', 'Seats', 'Status', 'Expires']}>
              {page.invitations.length === 0 && <EmptyRow columns={6}>No pending invitation.</EmptyRow>}
              {page.invitations.map((invitation) => (
                <tr key={invitation.id}>
                  <th scope="row">{invitation.email}</th>
                  <td>{roleName(invitation.role)}</td>
                  <td>{invitation.seats.length > 0 ? invitation.seats.join(', ') : '—'}</td>
                  <td>{invitation.status === 'expired' ? <span className="badge badge-warning">Expired</span> : 'Pending'}</td>
                  <td>{dateTime.format(new Date(invitation.expiresAt))}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button-secondary button-small"
                      aria-label={`Resend to ${invitation.email}`}
                      onClick={() => resend.mutate({ id: invitation.id }, report(`A new link went to ${invitation.email}; the previous one no longer works.`))}
                    >
                      Resend
                    </button>
                    <ConfirmButton
                      label="Revoke"
                      accessibleLabel={`Revoke ${invitation.email}`}
                      title={`Revoke the invitation of ${invitation.email}?`}
                      confirm="Revoke"
                      onConfirm={() => revoke.mutate({ id: invitation.id }, report(`The invitation of ${invitation.email} was revoked.`))}
                    >
                      Its link stops working at once.
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </ListTable>
            <PageButtons paging={paging} nextCursor={page.nextCursor} label="Invited Users" />
          </>
        )}
      </QueryView>
    </>
  );
}
