import { useState } from 'react';
import { ConfirmButton } from '../../components/confirm-button';
import { ErrorNotice } from '../../components/error-notice';
import { TableHeader } from '../../components/table';
import { when } from '../../components/when';
import { memberName } from '../../components/member-name';
import { useWorkspaces } from '../workspaces/workspaces-api';
import { useRevokeApiKey, type TabProps } from './member-details-api';

/** API keys: the member's keys, one Workspace each (never the key itself); an Admin revokes one after a confirmation. */
export function ApiKeysTab({ member, canManage }: TabProps) {
  const revoke = useRevokeApiKey();
  // An Admin reads every Workspace, so a key for one the member no longer reaches still has its name.
  const workspaces = useWorkspaces(canManage);
  const [problem, setProblem] = useState<unknown>(null);
  const names = new Map([...(workspaces.data ?? []), ...member.workspaces].map((workspace) => [workspace.id, workspace.name]));
  const name = memberName(member);
  return (
    <section className="panel" aria-labelledby="api-keys-heading">
      <h2 id="api-keys-heading">API keys</h2>
      {problem !== null && <ErrorNotice error={problem} />}
      {member.apiKeys.length === 0 ? (
        <p>{name} has no API keys.</p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">API keys of {name}</caption>
          <TableHeader actions={canManage} labels={['Name', 'Prefix', 'Workspace', 'Created', 'Last used', 'Status']} />
          <tbody>
            {member.apiKeys.map((key) => (
              <tr key={key.id}>
                <th scope="row">{key.name}</th>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{names.get(key.workspaceId) ?? 'A Workspace they no longer reach'}</td>
                <td>{when(key.createdAt)}</td>
                <td>{when(key.lastUsedAt)}</td>
                <td>{key.revokedAt ? `Revoked ${when(key.revokedAt)}` : 'Active'}</td>
                {canManage && (
                  <td>
                    {!key.revokedAt && (
                      <ConfirmButton
                        tone="danger"
                        label="Revoke"
                        accessibleLabel={`Revoke ${key.name}`}
                        title={`Revoke the API key “${key.name}”?`}
                        confirm="Revoke"
                        onConfirm={() => revoke.mutate(key.id, { onError: (error) => setProblem(error), onSuccess: () => setProblem(null) })}
                      >
                        Whatever uses it is refused from its next request on. This cannot be undone.
                      </ConfirmButton>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
