import { Tabs } from 'radix-ui';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';

export interface AddressTab {
  value: string;
  label: string;
  panel: () => ReactNode;
}

/**
 * Radix tabs whose open tab is in the address (`?tab=groups`; the first tab has none), so a
 * reload or a shared link opens the same one. An unknown `tab` opens the first.
 */
export function AddressTabs({ label, tabs }: { label: string; tabs: readonly AddressTab[] }) {
  const [params, setParams] = useSearchParams();
  const first = tabs[0]!.value;
  const asked = params.get('tab');
  const current = tabs.some((tab) => tab.value === asked) ? asked! : first;
  return (
    <Tabs.Root value={current} onValueChange={(value) => setParams(value === first ? {} : { tab: value }, { replace: true })}>
      <Tabs.List className="tabs" aria-label={label}>
        {tabs.map(({ value, label: name }) => (
          <Tabs.Trigger key={value} value={value} className="tab">
            {name}
          </Tabs.Trigger>
        ))}
      </Tabs.List>
      {tabs.map(({ value, panel }) => (
        <Tabs.Content key={value} value={value} className="tab-panel">
          {panel()}
        </Tabs.Content>
      ))}
    </Tabs.Root>
  );
}
