import { useEffect, useState } from 'react';

/**
 * Copies `value` with the Clipboard API and says "Copied" (on the button, and to screen
 * readers through a polite status). Where the browser refuses, it says to copy by hand.
 */
export function CopyButton({ value, what }: { value: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return undefined;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <>
      <button type="button" className="button-secondary button-small" aria-label={`Copy ${what}`} onClick={() => void copy()}>
        {state === 'copied' ? 'Copied' : 'Copy'}
      </button>
      <span role="status" className="visually-hidden">
        {state === 'copied' ? `${what} copied` : state === 'failed' ? `Copying failed: select the ${what} and copy it` : ''}
      </span>
    </>
  );
}

/**
 * A value to paste elsewhere: its name, the value in monospace, a copy button. `what` names the
 * value on that button when the label alone does not ("TXT record name for example.com").
 */
export function CopyableValue({ label, value, what = label }: { label: string; value: string; what?: string }) {
  return (
    <div className="copyable">
      <dt>{label}</dt>
      <dd>
        <code>{value}</code> <CopyButton value={value} what={what} />
      </dd>
    </div>
  );
}
