import { useId, useState } from 'react';
import { useOrganization } from '../../api/session';
import { CopyableValue } from '../../components/copy-button';
import { ErrorNotice } from '../../components/error-notice';
import { pageFor } from '../../components/only-for';
import { QueryView } from '../../components/table';
import { when } from '../../components/when';
import { DangerZone } from './danger-zone';
import { useRenameOrganization } from './organization-api';

/**
 * `/organization` (Admins): the Organization's name, its permanent ID, and deleting it.
 * Billing and Members are not shown the page; Roster refuses them the changes anyway.
 */
export const OrganizationPage = pageFor(['admin'], 'The Organization page is for Admins.', OrganizationSettings);

function OrganizationSettings() {
  const organization = useOrganization();
  return (
    <QueryView query={organization} loading="Loading the Organization">
      {(current) => (
        <>
          <h1>{current.name}</h1>
          <section className="panel" aria-labelledby="organization">
            <h2 id="organization">Organization</h2>
            <dl className="facts copyables">
              <CopyableValue label="Organization ID" value={current.id} />
              <div className="copyable">
                <dt>Created</dt>
                <dd>{when(current.createdAt)}</dd>
              </div>
            </dl>
            <p className="hint">The ID stays the same whatever the name becomes, so scripts and integrations can rely on it.</p>
            <RenameForm key={current.name} name={current.name} />
          </section>
          <DangerZone name={current.name} />
        </>
      )}
    </QueryView>
  );
}

function RenameForm({ name }: { name: string }) {
  const rename = useRenameOrganization();
  const [text, setText] = useState(name);
  const id = useId();
  return (
    <>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          rename.mutate(text.trim());
        }}
      >
        <label htmlFor={id}>Organization name</label>
        <input id={id} required maxLength={200} value={text} onChange={(event) => setText(event.target.value)} />
        <button type="submit" disabled={rename.isPending || text.trim() === name}>
          Rename
        </button>
      </form>
      {rename.isError && <ErrorNotice error={rename.error} />}
    </>
  );
}
