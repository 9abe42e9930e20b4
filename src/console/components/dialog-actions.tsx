import { Dialog } from 'radix-ui';
import type { ReactNode } from 'react';

/** A dialog form's last row: Cancel (closes the dialog, focus goes back) and the form's own button(s). */
export function DialogActions({ children }: { children: ReactNode }) {
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
