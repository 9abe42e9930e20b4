import { ApiKeyTable } from '../../components/api-key-table';
import { ErrorNotice, useProblem } from '../../components/error-notice';
import { memberName } from '../../components/member-name';
import { useWorkspaces } from '../workspaces/workspaces-api';
import { useRevokeApiKey, type TabProps } from './member-details-api';

/** API keys: the member's keys, one Workspace each (never the key itself); an Admin revokes one after a confirmation. */
export function ApiKeysTab({ member, canManage }: TabProps) {
  const revoke = useRevokeApiKey();
  // An Admin reads every Workspace, so a key for one the member no longer reaches still has its name.
  const workspaces = useWorkspaces(canManage);
  const { problem, report } = useProblem();
  const names = new Map([...(workspaces.data ?? []), ...member.workspaces].map((workspace) => [workspace.id, workspace.name]));
  const name = memberName(member);
  return (
    <section className="panel" aria-labelledby="api-keys-heading">
      <h2 id="api-keys-heading">API keys</h2>
      {problem !== null && <ErrorNotice error={problem} />}
      {member.apiKeys.length === 0 ? (
        <p>{name} has no API keys.</p>
      ) : (
        <ApiKeyTable
          keys={member.apiKeys}
          caption={`API keys of ${name}`}
          workspaceName={(id) => names.get(id) ?? 'A Workspace they no longer reach'}
          {...(canManage ? { onRevoke: (id: string) => revoke.mutate(id, report) } : {})}
        />
      )}
    </section>
  );
}
