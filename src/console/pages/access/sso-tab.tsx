import { Checkbox } from 'radix-ui';
import { useId, useRef, useState } from 'react';
import { ErrorNotice, Loading } from '../../components/error-notice';
import { ConfirmButton } from '../../components/confirm-button';
import { CopyableValue } from '../../components/copy-button';
import { SwitchRow } from '../../components/switch-row';
import { when } from '../../components/when';
import { useConfigureSso, useDisconnectSso, useSeatPools, useSso, useSsoSettings, type SsoState } from './queries';
import { Fact } from '../../components/fact';

/** SAML SSO: Roster's values for the IdP, the IdP's metadata (file or URL), the switches, the last sign-ins. */
export function SsoTab() {
  const sso = useSso();
  if (sso.isError) return <ErrorNotice error={sso.error} />;
  if (sso.isPending) return <Loading what="Reading the SSO connection" />;
  const { serviceProvider: sp, connection, status } = sso.data;
  return (
    <>
      <section className="panel" aria-labelledby="sp-values">
        <h2 id="sp-values">Roster’s values for your identity provider</h2>
        <p>Paste these into the SAML app you create at your IdP (Okta, Microsoft Entra ID, …).</p>
        <dl className="facts copyables">
          <CopyableValue label="SP entity ID" value={sp.entityId} />
          <CopyableValue label="ACS URL" value={sp.acsUrl} />
          <CopyableValue label="SP metadata URL" value={sp.metadataUrl} />
          <CopyableValue label="Sign-on URL" value={sp.loginUrl} />
        </dl>
        <p className="hint">NameID format: {sp.nameIdFormat}</p>
      </section>
      <IdpPanel connection={connection} />
      {connection && <SettingsPanel connection={connection} />}
      {connection && status && <StatusPanel status={status} />}
    </>
  );
}

function IdpPanel({ connection }: { connection: SsoState['connection'] }) {
  const configure = useConfigureSso();
  const disconnect = useDisconnectSso();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ name: string; xml: string } | null>(null);
  const [url, setUrl] = useState('');
  const urlId = useId();
  const readFile = async (chosen: File | undefined) => {
    configure.reset();
    setFile(chosen ? { name: chosen.name, xml: await chosen.text() } : null);
  };
  return (
    <section className="panel" aria-labelledby="idp">
      <h2 id="idp">Identity provider</h2>
      {connection ? (
        <>
          {connection.enabled ? (
            <p>
              <span className="badge badge-ok">SSO on</span> Members sign in through this IdP.
            </p>
          ) : (
            <p>
              <span className="badge badge-pending">SSO off</span> Connected, but nobody signs in through this IdP until you switch SSO on under Sign-in rules.
            </p>
          )}
          <dl className="facts facts-wide">
            <Fact label="IdP entity ID" value={<code>{connection.idpEntityId}</code>} />
            <Fact label="IdP sign-in URL" value={<code>{connection.ssoUrl}</code>} />
            <Fact label="Signing certificates" value={connection.certificates} />
          </dl>
          <h3>Replace the IdP’s metadata</h3>
        </>
      ) : (
        <p>No identity provider is connected. Give Roster your IdP’s SAML metadata: upload its XML file, or the URL it is published at.</p>
      )}
      <div className="metadata-choices">
        <div>
          <input
            ref={fileInput}
            type="file"
            accept=".xml,application/xml,text/xml,application/samlmetadata+xml"
            hidden
            onChange={(event) => void readFile(event.target.files?.[0])}
          />
          <button type="button" className="button-secondary" onClick={() => fileInput.current?.click()}>
            Choose a metadata file
          </button>
          {file && (
            <>
              <p>
                Chosen: <strong>{file.name}</strong>
              </p>
              <button
                type="button"
                disabled={configure.isPending}
                onClick={() => configure.mutate({ metadataXml: file.xml }, { onSuccess: () => setFile(null) })}
              >
                Upload metadata
              </button>
            </>
          )}
        </div>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            configure.mutate({ metadataUrl: url.trim() }, { onSuccess: () => setUrl('') });
          }}
        >
          <label htmlFor={urlId}>Metadata URL (https)</label>
          <input
            id={urlId}
            type="url"
            required
            placeholder="https://idp.example.com/app/metadata"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
          />
          <button type="submit" disabled={configure.isPending}>
            Fetch metadata
          </button>
        </form>
      </div>
      {configure.isPending && <Loading what="Saving the IdP’s metadata" />}
      {configure.isSuccess && (
        <p role="status" className="notice notice-info">
          Saved: {configure.data.connection?.idpEntityId}
        </p>
      )}
      {configure.isError && <ErrorNotice error={configure.error} />}
      {connection && (
        <div className="actions">
          <ConfirmButton
            tone="danger"
            label="Disconnect the IdP"
            title="Disconnect the identity provider?"
            confirm="Disconnect"
            onConfirm={() => disconnect.mutate()}
          >
            Nobody can sign in through it any more, and its metadata and switches are removed. Members keep their accounts and can sign in by email link.
          </ConfirmButton>
        </div>
      )}
      {disconnect.isError && <ErrorNotice error={disconnect.error} />}
    </section>
  );
}

/** The connection's on/off sign-in rules, in the order the panel shows them. */
const ruleSwitches: ReadonlyArray<{ setting: 'enabled' | 'jitEnabled' | 'enforced' | 'idpInitiatedEnabled' | 'autoAssignSeats'; label: string; hint: string }> =
  [
    {
      setting: 'enabled',
      label: 'SSO enabled',
      hint: 'Members sign in through the IdP. Off, the IdP signs nobody in and members sign in by email link until it is switched on; its metadata and the rules below are kept.',
    },
    {
      setting: 'jitEnabled',
      label: 'Create members on first sign-in (JIT)',
      hint: 'Someone the IdP signs in with an email on a verified domain becomes a Member. Not needed when the IdP provisions over SCIM.',
    },
    {
      setting: 'enforced',
      label: 'Enforce SSO',
      hint: 'Addresses on your verified domains must sign in through the IdP: no email links, no invitations. In effect only while SSO is enabled.',
    },
    {
      setting: 'idpInitiatedEnabled',
      label: 'Allow sign-in started at the IdP',
      hint: 'From the IdP’s dashboard (IdP-initiated). Off, only sign-ins that start at Roster are accepted.',
    },
    { setting: 'autoAssignSeats', label: 'Assign seats automatically', hint: 'On a member’s first SSO sign-in, a free seat of each product ticked below.' },
  ];

function SettingsPanel({ connection }: { connection: NonNullable<SsoState['connection']> }) {
  const settings = useSsoSettings();
  const pools = useSeatPools();
  const saving = settings.isPending;
  const toggleProduct = (product: string, on: boolean) => {
    const products = on ? [...connection.autoSeatProducts, product] : connection.autoSeatProducts.filter((p) => p !== product);
    settings.mutate({ autoSeatProducts: products });
  };
  return (
    <section className="panel" aria-labelledby="sso-settings">
      <h2 id="sso-settings">Sign-in rules</h2>
      {ruleSwitches.map(({ setting, label, hint }) => (
        <SwitchRow
          key={setting}
          label={label}
          hint={hint}
          checked={connection[setting]}
          disabled={saving}
          onChange={(on) => settings.mutate({ [setting]: on })}
        />
      ))}
      <fieldset className="products" disabled={saving}>
        <legend>Products for automatic seats</legend>
        {pools.isError && <ErrorNotice error={pools.error} />}
        {pools.isPending && <Loading what="Reading the products" />}
        {pools.data?.length === 0 && <p className="hint">No products have seats yet.</p>}
        {pools.data?.map((pool) => (
          <ProductCheckbox
            key={pool.product}
            product={pool.product}
            available={pool.available}
            checked={connection.autoSeatProducts.includes(pool.product)}
            onChange={(on) => toggleProduct(pool.product, on)}
          />
        ))}
      </fieldset>
      {settings.isError && <ErrorNotice error={settings.error} />}
    </section>
  );
}

function ProductCheckbox({ product, available, checked, onChange }: { product: string; available: number; checked: boolean; onChange(on: boolean): void }) {
  const id = useId();
  return (
    <div className="checkbox-row">
      <Checkbox.Root id={id} className="check-box" checked={checked} onCheckedChange={(value) => onChange(value === true)}>
        <Checkbox.Indicator className="checkbox-mark">✓</Checkbox.Indicator>
      </Checkbox.Root>
      <label htmlFor={id}>
        {product} <span className="hint">({available} available)</span>
      </label>
    </div>
  );
}

function StatusPanel({ status }: { status: NonNullable<SsoState['status']> }) {
  return (
    <section className="panel" aria-labelledby="sso-status">
      <h2 id="sso-status">Recent sign-ins</h2>
      <dl className="facts facts-wide facts-long">
        <Fact label="Last successful sign-in" value={when(status.lastSuccessAt, 'None yet')} />
        <Fact label="Last failed sign-in" value={when(status.lastFailureAt, 'None')} />
        {status.lastFailureReason && <Fact label="Why it failed" value={status.lastFailureReason} />}
      </dl>
    </section>
  );
}
