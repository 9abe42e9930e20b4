import { ConfirmButton } from './confirm-button';
import { ListTable } from './table';
import { when } from './when';

export interface ListedApiKey {
  id: string;
  name: string;
  prefix: string;
  workspaceId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/**
 * API keys as a list: name, prefix (never the key), Workspace, created, last used, status, and —
 * when `onRevoke` is given — a Revoke button that asks first. My account and a member's details
 * page show their keys with it.
 */
export function ApiKeyTable({
  keys,
  caption,
  workspaceName,
  onRevoke,
}: {
  keys: readonly ListedApiKey[];
  caption: string;
  workspaceName(id: string): string;
  onRevoke?: (id: string) => void;
}) {
  return (
    <ListTable caption={caption} actions={onRevoke !== undefined} labels={['Name', 'Prefix', 'Workspace', 'Created', 'Last used', 'Status']}>
      {keys.map((key) => (
        <tr key={key.id}>
          <th scope="row">{key.name}</th>
          <td>
            <code>{key.prefix}…</code>
          </td>
          <td>{workspaceName(key.workspaceId)}</td>
          <td>{when(key.createdAt)}</td>
          <td>{when(key.lastUsedAt)}</td>
          <td>{key.revokedAt ? `Revoked ${when(key.revokedAt)}` : 'Active'}</td>
          {onRevoke && (
            <td>
              {!key.revokedAt && (
                <ConfirmButton
                  tone="danger"
                  label="Revoke"
                  accessibleLabel={`Revoke ${key.name}`}
                  title={`Revoke the API key “${key.name}”?`}
                  confirm="Revoke"
                  onConfirm={() => onRevoke(key.id)}
                >
                  Whatever uses it is refused from its next request on. This cannot be undone.
                </ConfirmButton>
              )}
            </td>
          )}
        </tr>
      ))}
    </ListTable>
  );
}
