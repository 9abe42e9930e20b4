import { Dialog } from 'radix-ui';
import { useId, useState } from 'react';
import { useDeleteOrganization } from './organization-api';
import { DialogSubmit, DialogWindow } from '../../components/dialog-actions';

/**
 * Deleting the Organization, for good: the Admin types its exact name first (Roster checks
 * it again, under a lock, so a rename in between is caught there too).
 */
export function DangerZone({ name }: { name: string }) {
  const remove = useDeleteOrganization();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const id = useId();
  const change = (next: boolean) => {
    setOpen(next);
    if (!next) {
      setTyped('');
      remove.reset();
    }
  };
  return (
    <section className="panel danger-zone" aria-labelledby="danger-zone">
      <h2 id="danger-zone">Danger zone</h2>
      <p>Deleting the Organization removes every member, Workspace, group, seat, token, API key and session in it. It cannot be undone.</p>
      <Dialog.Root open={open} onOpenChange={change}>
        <Dialog.Trigger asChild>
          <button type="button" className="button-danger">
            Delete Organization
          </button>
        </Dialog.Trigger>
        <DialogWindow
          overlay="dialog-overlay"
          title={`Delete “${name}”?`}
          description="Everyone in it loses access at once, and everything in it is gone for good."
        >
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (typed === name) remove.mutate(typed);
            }}
          >
            <label htmlFor={id}>Type the Organization’s name to confirm</label>
            <input id={id} autoComplete="off" value={typed} onChange={(event) => setTyped(event.target.value)} />
            <DialogSubmit problem={remove.error} className="button-danger" disabled={typed !== name || remove.isPending}>
              Delete this Organization
            </DialogSubmit>
          </form>
        </DialogWindow>
      </Dialog.Root>
    </section>
  );
}
