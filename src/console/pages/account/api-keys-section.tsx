import { useId, useState } from 'react';
import { ApiKeyTable } from '../../components/api-key-table';
import { CopyButton } from '../../components/copy-button';
import { ErrorNotice } from '../../components/error-notice';
import { QueryView } from '../../components/table';
import { useWorkspaces } from '../workspaces/workspaces-api';
import { useCreateApiKey, useOwnApiKeys, useRevokeApiKey, type Member, type NewApiKey } from './account-api';

/**
 * Your API keys, one Workspace each. A new key is shown once, here, to copy; Roster keeps
 * only its hash, so afterwards the list shows its prefix alone.
 */
export function ApiKeysSection({ member }: { member: Member }) {
  const apiKeys = useOwnApiKeys(member.id);
  const revoke = useRevokeApiKey(member.id);
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const names = new Map(member.workspaces.map((workspace) => [workspace.id, workspace.name]));
  return (
    <section className="panel" aria-labelledby="api-keys">
      <h2 id="api-keys">API keys</h2>
      <p className="hint">A key calls Roster’s API as you, in one Workspace, until you revoke it.</p>
      <NewKeyForm memberId={member.id} onCreated={setCreated} />
      {created && (
        <div className="secret" role="region" aria-label="New API key">
          <p>
            <strong>Copy the key “{created.name}” now: it will not be shown again.</strong> Roster keeps only its hash.
          </p>
          <p>
            <code>{created.key}</code> <CopyButton value={created.key} what="API key" />
          </p>
          <button type="button" className="button-secondary button-small" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {revoke.isError && <ErrorNotice error={revoke.error} />}
      <QueryView query={apiKeys} loading="Loading your API keys">
        {(list) =>
          list.length === 0 ? (
            <p>No API keys yet.</p>
          ) : (
            <ApiKeyTable keys={list} caption="Your API keys" workspaceName={(id) => names.get(id) ?? id} onRevoke={(id) => revoke.mutate(id)} />
          )
        }
      </QueryView>
    </section>
  );
}

/** A name and one of the Workspaces you reach. */
function NewKeyForm({ memberId, onCreated }: { memberId: string; onCreated(key: NewApiKey): void }) {
  const workspaces = useWorkspaces();
  const create = useCreateApiKey(memberId);
  const [name, setName] = useState('');
  const [workspaceId, setWorkspaceId] = useState('');
  const id = useId();
  const chosen = workspaceId || workspaces.data?.[0]?.id || '';
  return (
    <>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate(
            { name: name.trim(), workspaceId: chosen },
            {
              onSuccess: (key) => {
                onCreated(key);
                setName('');
              },
            },
          );
        }}
      >
        <label htmlFor={`${id}-name`}>Key name</label>
        <input id={`${id}-name`} required maxLength={100} placeholder="Deploy script" value={name} onChange={(event) => setName(event.target.value)} />
        <label htmlFor={`${id}-workspace`}>Workspace</label>
        <select id={`${id}-workspace`} value={chosen} onChange={(event) => setWorkspaceId(event.target.value)} disabled={!workspaces.data}>
          {workspaces.data?.map((workspace) => (
            <option key={workspace.id} value={workspace.id}>
              {workspace.name}
            </option>
          ))}
        </select>
        <button type="submit" disabled={create.isPending || !chosen}>
          Create key
        </button>
      </form>
      {workspaces.isError && <ErrorNotice error={workspaces.error} />}
      {create.isError && <ErrorNotice error={create.error} />}
    </>
  );
}
