import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNotice } from './error-notice';
import { WorkspaceRoleSelect, type WorkspaceRole } from './workspace-role';

export interface Choice {
  id: string;
  name: string;
}

/**
 * "Add to …" with a select: pick one of `choices` (what the thing is not in yet), plus whatever
 * `fields` go with it (a role), then `submit`. While the choices load the select says so; when
 * there is none left, `none` says why; a failure to load them shows as any error does.
 */
export function ChooseForm({
  title,
  label,
  choices,
  loading,
  error,
  placeholder,
  none,
  submit,
  onChoose,
  fields,
}: {
  /** The form's name for assistive technology ("Add to a group"). */
  title: string;
  /** The select's label ("Group"). */
  label: string;
  choices: readonly Choice[];
  loading: boolean;
  error?: unknown;
  /** What the select says before a choice ("Choose a group"). */
  placeholder: string;
  none: string;
  submit: string;
  onChoose(id: string): void;
  fields?: (id: string) => ReactNode;
}) {
  const id = useId();
  const [chosen, setChosen] = useState('');
  if (error) return <ErrorNotice error={error} />;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    onChoose(chosen);
    setChosen('');
  };
  return (
    <form className="inline-form" onSubmit={onSubmit} aria-label={title}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={chosen} onChange={(event) => setChosen(event.target.value)} disabled={loading}>
        <option value="">{loading ? 'Loading…' : choices.length === 0 ? none : placeholder}</option>
        {choices.map((choice) => (
          <option key={choice.id} value={choice.id}>
            {choice.name}
          </option>
        ))}
      </select>
      {fields?.(id)}
      <button type="submit" disabled={!chosen}>
        {submit}
      </button>
    </form>
  );
}

/**
 * ChooseForm with a Workspace role to give beside the choice (Contributor at first): adding a
 * member to a Workspace, or granting a group a role in one. `onChoose` gets the choice and the role.
 */
export function ChooseWithRole({
  onChoose,
  ...form
}: Omit<Parameters<typeof ChooseForm>[0], 'onChoose' | 'fields'> & { onChoose(id: string, role: WorkspaceRole): void }) {
  const [role, setRole] = useState<WorkspaceRole>('contributor');
  return (
    <ChooseForm
      {...form}
      onChoose={(id) => onChoose(id, role)}
      fields={(id) => (
        <>
          <label htmlFor={`${id}-role`}>Role</label>
          <WorkspaceRoleSelect id={`${id}-role`} value={role} onChange={setRole} />
        </>
      )}
    />
  );
}
