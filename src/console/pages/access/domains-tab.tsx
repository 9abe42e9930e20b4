import { useId, useState } from 'react';
import { ErrorNotice, Loading } from '../../components/error-notice';
import { ConfirmButton } from '../../components/confirm-button';
import { CopyableValue } from '../../components/copy-button';
import { SwitchRow } from '../../components/switch-row';
import { when } from '../../components/when';
import { useClaimDomain, useDeleteDomain, useDomainAutoJoin, useDomains, useVerifyDomain, type Domain } from './queries';

/** Domains: claim one, publish its TXT record, verify it, then let its people join by themselves. */
export function DomainsTab() {
  const domains = useDomains();
  const claim = useClaimDomain();
  const [name, setName] = useState('');
  const inputId = useId();
  return (
    <>
      <section className="panel" aria-labelledby="add-domain">
        <h2 id="add-domain">Add a domain</h2>
        <p>Claim your company’s email domain, then prove it is yours with a DNS TXT record. Verified domains decide who SSO and auto-join let in.</p>
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            claim.mutate(name.trim(), { onSuccess: () => setName('') });
          }}
        >
          <label htmlFor={inputId}>Domain</label>
          <input id={inputId} required placeholder="acme.com" value={name} onChange={(event) => setName(event.target.value)} />
          <button type="submit" disabled={claim.isPending}>
            Add domain
          </button>
        </form>
        {claim.isError && <ErrorNotice error={claim.error} />}
      </section>
      {domains.isError && <ErrorNotice error={domains.error} />}
      {domains.isPending && <Loading what="Reading the domains" />}
      {domains.data?.length === 0 && <p>No domains yet.</p>}
      {domains.data?.map((domain) => (
        <DomainPanel key={domain.id} domain={domain} />
      ))}
    </>
  );
}

function DomainPanel({ domain }: { domain: Domain }) {
  const verify = useVerifyDomain();
  const autoJoin = useDomainAutoJoin();
  const remove = useDeleteDomain();
  const verified = domain.status === 'verified';
  const headingId = useId();
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {domain.domain} <span className={verified ? 'badge badge-ok' : 'badge badge-pending'}>{verified ? 'Verified' : 'Not verified yet'}</span>
      </h2>
      {verified ? (
        <p>Verified {when(domain.verifiedAt)}.</p>
      ) : (
        <>
          <p>Publish this TXT record at your DNS host, then press Verify. DNS changes can take a few minutes to show.</p>
          <dl className="facts copyables">
            <CopyableValue label="Name" value={domain.txtRecord.name} what={`TXT record name for ${domain.domain}`} />
            <div className="copyable">
              <dt>Type</dt>
              <dd>
                <code>{domain.txtRecord.type}</code>
              </dd>
            </div>
            <CopyableValue label="Value" value={domain.txtRecord.value} what={`TXT record value for ${domain.domain}`} />
          </dl>
          {domain.lastCheckedAt && (
            <p className="notice notice-error">
              Last checked {when(domain.lastCheckedAt)}: {domain.lastError ?? 'not found'}
            </p>
          )}
        </>
      )}
      <SwitchRow
        label={`Auto-join for ${domain.domain}`}
        hint={verified ? 'Anyone who signs in with a verified address on this domain becomes a Member.' : 'Verify the domain first.'}
        checked={domain.autoJoin}
        disabled={!verified || autoJoin.isPending}
        onChange={(on) => autoJoin.mutate({ id: domain.id, autoJoin: on })}
      />
      <div className="actions">
        {!verified && (
          <button type="button" disabled={verify.isPending} onClick={() => verify.mutate(domain.id)} aria-label={`Verify ${domain.domain}`}>
            {verify.isPending ? 'Verifying…' : 'Verify'}
          </button>
        )}
        <ConfirmButton
          tone="danger"
          label={`Remove ${domain.domain}`}
          title={`Remove ${domain.domain}?`}
          confirm="Remove"
          onConfirm={() => remove.mutate(domain.id)}
        >
          Roster stops treating addresses on it as yours: SSO and auto-join no longer let them in. Members keep their accounts.
        </ConfirmButton>
      </div>
      {[verify, autoJoin, remove].map((mutation, index) => mutation.isError && <ErrorNotice key={index} error={mutation.error} />)}
    </section>
  );
}
