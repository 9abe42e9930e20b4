import { Dialog } from 'radix-ui';
import { useState, type FormEvent } from 'react';
import type { OrganizationRole } from '../../api/session';
import { roleName } from '../../components/layout';
import { addressesIn, useInvite, type InvitationOutcome, type SeatPool } from './members-api';
import { DialogDone, DialogSubmit, DialogWindow } from '../../components/dialog-actions';

const outcomeWords: Record<InvitationOutcome['result'], string> = {
  invited: 'Invited',
  already_member: 'Already a member',
  already_invited: 'Already invited',
  sso_required: 'Refused: SSO is enforced',
  invalid_email: 'Not an email address',
};

/**
 * Invite members: one or more addresses (comma-separated or pasted lines), one role,
 * seats per product with what is available. Roster invites each acceptable address
 * and says what became of every one; the dialog then shows that list.
 */
export function InviteDialog({ pools }: { pools: SeatPool[] }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [role, setRole] = useState<OrganizationRole>('member');
  const [seats, setSeats] = useState<string[]>([]);
  const invite = useInvite();

  const reset = (next: boolean) => {
    setOpen(next);
    if (!next) {
      setText('');
      setRole('member');
      setSeats([]);
      invite.reset();
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate({ emails: addressesIn(text), role, seats });
  };
  const addresses = addressesIn(text);

  return (
    <Dialog.Root open={open} onOpenChange={reset}>
      <Dialog.Trigger asChild>
        <button type="button">Invite members</button>
      </Dialog.Trigger>
      <DialogWindow overlay="overlay" wide title="Invite members">
        {invite.data ? (
          <>
            <Dialog.Description>What became of each address:</Dialog.Description>
            <ul className="outcomes" aria-label="Invitation results">
              {invite.data.map((outcome) => (
                <li key={outcome.email || '(empty)'} className={outcome.result === 'invited' ? 'outcome-ok' : 'outcome-refused'}>
                  <strong>{outcome.email || '(empty)'}</strong>: {outcomeWords[outcome.result]}
                  {outcome.result !== 'invited' && <span className="muted"> — {outcome.message}</span>}
                </li>
              ))}
            </ul>
            <DialogDone label="Done">
              <button type="button" className="button-secondary" onClick={() => invite.reset()}>
                Invite more
              </button>
            </DialogDone>
          </>
        ) : (
          <form onSubmit={submit}>
            <Dialog.Description>Each address gets a mail with a link to join, good for 7 days.</Dialog.Description>
            <label htmlFor="invite-emails">Email addresses</label>
            <textarea
              id="invite-emails"
              rows={4}
              value={text}
              onChange={(event) => setText(event.target.value)}
              aria-describedby="invite-emails-hint"
              required
            />
            <p id="invite-emails-hint" className="muted">
              Separate them with commas, or paste one per line (up to 100).
            </p>
            <label htmlFor="invite-role">Role</label>
            <select id="invite-role" value={role} onChange={(event) => setRole(event.target.value as OrganizationRole)}>
              {(['member', 'billing', 'admin'] as const).map((choice) => (
                <option key={choice} value={choice}>
                  {roleName(choice)}
                </option>
              ))}
            </select>
            {pools.length > 0 && (
              <fieldset className="seats">
                <legend>Seats (taken on joining, if one is free then)</legend>
                {pools.map((pool) => (
                  <label key={pool.product} className="checkbox">
                    <input
                      type="checkbox"
                      checked={seats.includes(pool.product)}
                      onChange={(event) => setSeats(event.target.checked ? [...seats, pool.product] : seats.filter((seat) => seat !== pool.product))}
                    />
                    {pool.product}{' '}
                    <span className="muted">
                      ({pool.available} of {pool.limit} available)
                    </span>
                  </label>
                ))}
              </fieldset>
            )}
            <DialogSubmit problem={invite.error} disabled={invite.isPending || addresses.length === 0}>
              {addresses.length > 1 ? `Send ${addresses.length} invitations` : 'Send invitation'}
            </DialogSubmit>
          </form>
        )}
      </DialogWindow>
    </Dialog.Root>
  );
}
