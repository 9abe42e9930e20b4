import { Dialog } from 'radix-ui';
import { DialogDone, DialogWindow } from '../../components/dialog-actions';
import { when } from '../../components/when';
import type { AuditEvent } from './audit-api';
import { Fact } from '../../components/fact';

/** One event in full: its ids and the payload Roster stored with it, as JSON. */
export function EventDetails({ event, actor, target }: { event: AuditEvent; actor: string; target: string }) {
  const at = when(event.createdAt);
  return (
    <Dialog.Root>
      <Dialog.Trigger asChild>
        <button type="button" className="button-secondary button-small" aria-label={`Details of ${event.action} at ${at}`}>
          Details
        </button>
      </Dialog.Trigger>
      <DialogWindow overlay="dialog-overlay" wide title={event.action} description={`${at}, by ${actor}`}>
        <dl className="facts facts-wide">
          <Fact label="Target" value={target} />
          <Fact label="Event ID" value={<code>{event.id}</code>} />
          <Fact label="Request ID" value={event.requestId ? <code>{event.requestId}</code> : 'None'} />
        </dl>
        <h3 id={`payload-${event.id}`}>Payload</h3>
        {/* Scrollable, so a keyboard can reach it (and axe asks for that). */}
        <pre className="audit-payload" tabIndex={0} role="region" aria-labelledby={`payload-${event.id}`}>
          {JSON.stringify(event.data, null, 2)}
        </pre>
        <DialogDone label="Close" />
      </DialogWindow>
    </Dialog.Root>
  );
}
