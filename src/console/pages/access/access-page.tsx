import { AddressTabs } from '../../components/address-tabs';
import { DomainsTab } from './domains-tab';
import { ScimTab } from './scim-tab';
import { SsoTab } from './sso-tab';

const tabs = [
  { value: 'sso', label: 'SSO', panel: () => <SsoTab /> },
  { value: 'domains', label: 'Domains', panel: () => <DomainsTab /> },
  { value: 'scim', label: 'SCIM', panel: () => <ScimTab /> },
];

/**
 * `/access` (Admins): how people and IdPs get in — SAML SSO, verified domains, SCIM. The tab is
 * in the address (`?tab=domains`), so a reload or a shared link opens the same one. Whether the
 * caller may see any of it is the server's answer: a 403 shows as "Not allowed" in each tab.
 */
export function AccessPage() {
  return (
    <>
      <h1>Access</h1>
      <AddressTabs label="Access settings" tabs={tabs} />
    </>
  );
}
