import { Dialog } from 'radix-ui';
import { useId, useState, type FormEvent } from 'react';
import { ErrorNotice, useAwaitedChange } from './error-notice';
import { DialogSubmit, DialogWindow } from './dialog-actions';

/**
 * The panel that makes something by its name (a Workspace, a group): its heading, a hint, and a
 * one-field form. The name is cleared once Roster made it; a refusal is shown under the form in
 * Roster's words.
 */
export function CreateByName({
  heading,
  hint,
  label,
  button,
  onCreate,
}: {
  heading: string;
  hint: string;
  label: string;
  button: string;
  onCreate(name: string): Promise<unknown>;
}) {
  const [name, setName] = useState('');
  const { problem, pending, run } = useAwaitedChange();
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(
      () => onCreate(name.trim()),
      () => setName(''),
    );
  };
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      <p className="hint">{hint}</p>
      <form className="inline-form" onSubmit={(event) => void submit(event)}>
        <label htmlFor={`${id}-name`}>{label}</label>
        <input id={`${id}-name`} required value={name} onChange={(event) => setName(event.target.value)} />
        <button type="submit" disabled={pending}>
          {button}
        </button>
      </form>
      {problem !== null && <ErrorNotice error={problem} />}
    </section>
  );
}

/**
 * "Rename" and its dialog: the current name to edit, Save. The dialog closes once Roster
 * took the new name and stays open with Roster's refusal otherwise.
 */
export function RenameButton({ what, current, onRename }: { what: string; current: string; onRename(name: string): Promise<unknown> }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(current);
  const { problem, setProblem, pending, run } = useAwaitedChange();
  const inputId = useId();
  const openChange = (next: boolean) => {
    setOpen(next);
    setName(current);
    setProblem(null);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(
      () => onRename(name.trim()),
      () => setOpen(false),
    );
  };
  return (
    <Dialog.Root open={open} onOpenChange={openChange}>
      <Dialog.Trigger asChild>
        <button type="button" className="button-secondary button-small" aria-label={`Rename ${current}`}>
          Rename
        </button>
      </Dialog.Trigger>
      <DialogWindow overlay="overlay" title={`Rename ${current}`} description={`The ${what} keeps its members and roles; only its name changes.`}>
        <form onSubmit={(event) => void submit(event)}>
          <label htmlFor={inputId}>New name</label>
          <input id={inputId} required value={name} onChange={(event) => setName(event.target.value)} />
          <DialogSubmit problem={problem} disabled={pending}>
            Save
          </DialogSubmit>
        </form>
      </DialogWindow>
    </Dialog.Root>
  );
}
