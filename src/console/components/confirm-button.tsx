import { AlertDialog } from 'radix-ui';
import type { ReactNode } from 'react';

/**
 * A button that asks first (Radix AlertDialog: focus moves into it, Escape or Cancel
 * closes it, focus returns to the button). `children` is what the dialog explains.
 *
 * `tone="danger"` marks the button itself as destructive (red outline), as the Access
 * pages do for removing a connection, a domain or a token; the Members panel's row
 * buttons stay plain and only the dialog's confirm button is red.
 */
export function ConfirmButton({
  label,
  accessibleLabel,
  title,
  children,
  confirm,
  onConfirm,
  tone = 'plain',
}: {
  label: string;
  /** The button's name for assistive technology, when `label` alone is ambiguous in a list ("Remove ada@…"). */
  accessibleLabel?: string;
  title: string;
  children: ReactNode;
  confirm: string;
  onConfirm: () => void;
  tone?: 'plain' | 'danger';
}) {
  const danger = tone === 'danger';
  return (
    <AlertDialog.Root>
      <AlertDialog.Trigger asChild>
        <button
          type="button"
          className={danger ? 'button-secondary button-small button-danger-outline' : 'button-secondary button-small'}
          aria-label={accessibleLabel}
        >
          {label}
        </button>
      </AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className={danger ? 'dialog-overlay' : 'overlay'} />
        <AlertDialog.Content className="dialog">
          <AlertDialog.Title>{title}</AlertDialog.Title>
          <AlertDialog.Description>{children}</AlertDialog.Description>
          <div className="actions">
            <AlertDialog.Cancel asChild>
              <button type="button" className="button-secondary">
                Cancel
              </button>
            </AlertDialog.Cancel>
            <AlertDialog.Action asChild>
              <button type="button" className="button-danger" onClick={onConfirm}>
                {confirm}
              </button>
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

/**
 * "Remove" that takes a member out of a Workspace or a group, once "Remove {who} from {from}?" is
 * answered; `children` says what they lose. The button is named "Remove {who}" unless
 * `accessibleLabel` says otherwise (a member's own list of places: "Remove from {from}").
 */
export function RemoveButton({
  who,
  from,
  accessibleLabel = `Remove ${who}`,
  onConfirm,
  children,
}: {
  who: string;
  from: string;
  accessibleLabel?: string;
  onConfirm: () => void;
  children: ReactNode;
}) {
  return (
    <ConfirmButton label="Remove" accessibleLabel={accessibleLabel} title={`Remove ${who} from ${from}?`} confirm="Remove" onConfirm={onConfirm}>
      {children}
    </ConfirmButton>
  );
}

/** "Delete" (named "Delete {name}") that deletes a Workspace or a group once "Delete {name}?" is answered; `children` says what goes with it. */
export function DeleteButton({ name, onConfirm, children }: { name: string; onConfirm: () => void; children: ReactNode }) {
  return (
    <ConfirmButton label="Delete" accessibleLabel={`Delete ${name}`} title={`Delete ${name}?`} confirm="Delete" onConfirm={onConfirm}>
      {children}
    </ConfirmButton>
  );
}
