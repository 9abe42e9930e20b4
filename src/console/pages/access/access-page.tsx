import { Tabs } from 'radix-ui';
import { useSearchParams } from 'react-router';
import { DomainsTab } from './domains-tab';
import { ScimTab } from './scim-tab';
import { SsoTab } from './sso-tab';

const tabs = [
  { value: 'sso', label: 'SSO', Panel: SsoTab },
  { value: 'domains', label: 'Domains', Panel: DomainsTab },
  { value: 'scim', label: 'SCIM', Panel: ScimTab },
] as const;

type TabValue = (typeof tabs)[number]['value'];
const isTab = (value: string | null): value is TabValue => tabs.some((tab) => tab.value === value);

/**
 * `/access` (Admins): how people and IdPs get in — SAML SSO, verified domains, SCIM. The tab is
 * in the address (`?tab=domains`), so a reload or a shared link opens the same one. Whether the
 * caller may see any of it is the server's answer: a 403 shows as "Not allowed" in each tab.
 */
export function AccessPage() {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab');
  const current: TabValue = isTab(tab) ? tab : 'sso';
  return (
    <>
      <h1>Access</h1>
      <Tabs.Root value={current} onValueChange={(value) => setParams(value === 'sso' ? {} : { tab: value }, { replace: true })}>
        <Tabs.List className="tabs" aria-label="Access settings">
          {tabs.map(({ value, label }) => (
            <Tabs.Trigger key={value} value={value} className="tab">
              {label}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        {tabs.map(({ value, Panel }) => (
          <Tabs.Content key={value} value={value} className="tab-panel">
            <Panel />
          </Tabs.Content>
        ))}
      </Tabs.Root>
    </>
  );
}
