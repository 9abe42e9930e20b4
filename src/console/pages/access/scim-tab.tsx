import { Dialog } from 'radix-ui';
import { useId, useState } from 'react';
import { ErrorNotice, Loading } from '../../components/error-notice';
import { ListTable } from '../../components/table';
import { ConfirmButton } from '../../components/confirm-button';
import { DialogDone, DialogWindow } from '../../components/dialog-actions';
import { CopyableValue, CopyButton } from '../../components/copy-button';
import { when } from '../../components/when';
import { useCreateScimToken, useRevokeScimToken, useScimInfo, useScimTokens, type NewScimToken } from './queries';

/** SCIM: the base URL to give the IdP, and its bearer tokens (shown once when created; revocable). */
export function ScimTab() {
  const info = useScimInfo();
  const tokens = useScimTokens();
  const create = useCreateScimToken();
  const revoke = useRevokeScimToken();
  const [name, setName] = useState('');
  const [shown, setShown] = useState<NewScimToken | null>(null);
  const nameId = useId();
  const active = tokens.data?.filter((token) => token.revokedAt === null).length ?? 0;
  return (
    <>
      <section className="panel" aria-labelledby="scim-connector">
        <h2 id="scim-connector">SCIM connector</h2>
        {info.isError && <ErrorNotice error={info.error} />}
        {info.isPending && <Loading what="Reading the SCIM settings" />}
        {info.data && (
          <>
            <p>Your IdP provisions members and groups here, with a token from below as its bearer token.</p>
            <dl className="facts copyables">
              <CopyableValue label="SCIM base URL" value={info.data.baseUrl} />
            </dl>
          </>
        )}
      </section>
      <section className="panel" aria-labelledby="scim-tokens">
        <h2 id="scim-tokens">Tokens</h2>
        <p>At most {info.data?.maxActiveTokens ?? 2} tokens are active at once: create the new one, give it to the IdP, then revoke the old one.</p>
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate(name.trim(), {
              onSuccess: (token) => {
                setShown(token);
                setName('');
              },
            });
          }}
        >
          <label htmlFor={nameId}>Token name</label>
          <input id={nameId} required maxLength={100} placeholder="Okta" value={name} onChange={(event) => setName(event.target.value)} />
          <button type="submit" disabled={create.isPending}>
            Create token
          </button>
        </form>
        {create.isError && <ErrorNotice error={create.error} />}
        {tokens.isError && <ErrorNotice error={tokens.error} />}
        {tokens.isPending && <Loading what="Reading the tokens" />}
        {tokens.data && tokens.data.length === 0 && <p>No tokens yet.</p>}
        {tokens.data && tokens.data.length > 0 && (
          <ListTable caption={`SCIM tokens, ${active} active`} actions labels={['Name', 'Prefix', 'Created', 'Last used', 'Status']}>
            {tokens.data.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>
                  <code>{token.prefix}…</code>
                </td>
                <td>{when(token.createdAt)}</td>
                <td>{when(token.lastUsedAt)}</td>
                <td>{token.revokedAt ? `Revoked ${when(token.revokedAt)}` : 'Active'}</td>
                <td>
                  {!token.revokedAt && (
                    <ConfirmButton
                      tone="danger"
                      label={`Revoke ${token.name}`}
                      title={`Revoke the token “${token.name}”?`}
                      confirm="Revoke"
                      onConfirm={() => revoke.mutate(token.id)}
                    >
                      The IdP’s next SCIM request with it is refused. Give the IdP another token first if it should keep provisioning.
                    </ConfirmButton>
                  )}
                </td>
              </tr>
            ))}
          </ListTable>
        )}
        {revoke.isError && <ErrorNotice error={revoke.error} />}
      </section>
      <NewTokenDialog token={shown} onClose={() => setShown(null)} />
    </>
  );
}

/** The one time a token is shown: copy it now, it is kept only as a hash. */
function NewTokenDialog({ token, onClose }: { token: NewScimToken | null; onClose(): void }) {
  return (
    <Dialog.Root open={token !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogWindow
        overlay="dialog-overlay"
        title={<>Token “{token?.name}” created</>}
        description={
          <>
            Copy it now and paste it into your IdP’s SCIM settings. <strong>You will not see it again:</strong> Roster keeps only its hash.
          </>
        }
      >
        {token && (
          <p className="secret">
            <code>{token.token}</code> <CopyButton value={token.token} what="SCIM token" />
          </p>
        )}
        <DialogDone label="Done" />
      </DialogWindow>
    </Dialog.Root>
  );
}
