import { Dialog } from 'radix-ui';
import type { ReactNode } from 'react';
import { ErrorNotice } from './error-notice';

/**
 * A dialog's window: the overlay that dims the page (`overlay` names its class), the box (wider
 * with `wide`), its title and, when given, its description; `children` is the rest of it.
 */
export function DialogWindow({
  overlay,
  wide = false,
  title,
  description,
  children,
}: {
  overlay: 'overlay' | 'dialog-overlay';
  wide?: boolean;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Dialog.Portal>
      <Dialog.Overlay className={overlay} />
      <Dialog.Content className={wide ? 'dialog dialog-wide' : 'dialog'}>
        <Dialog.Title>{title}</Dialog.Title>
        {description !== undefined && <Dialog.Description>{description}</Dialog.Description>}
        {children}
      </Dialog.Content>
    </Dialog.Portal>
  );
}

/** A dialog form's last row: Cancel (closes the dialog, focus goes back) and the form's own button(s). */
function DialogActions({ children }: { children: ReactNode }) {
  return (
    <div className="actions">
      <Dialog.Close asChild>
        <button type="button" className="button-secondary">
          Cancel
        </button>
      </Dialog.Close>
      {children}
    </div>
  );
}

/**
 * A dialog form's end: Roster's refusal when it refused (`problem`, null otherwise), then Cancel
 * and the submit button (`children` is its text).
 */
export function DialogSubmit({ problem, disabled, className, children }: { problem: unknown; disabled: boolean; className?: string; children: ReactNode }) {
  return (
    <>
      {problem !== null && <ErrorNotice error={problem} />}
      <DialogActions>
        <button type="submit" className={className} disabled={disabled}>
          {children}
        </button>
      </DialogActions>
    </>
  );
}

/** The last row of a dialog that only tells something: `children` (another way on), then the one button that closes it. */
export function DialogDone({ label, children }: { label: string; children?: ReactNode }) {
  return (
    <div className="actions">
      {children}
      <Dialog.Close asChild>
        <button type="button">{label}</button>
      </Dialog.Close>
    </div>
  );
}
