import { Dialog } from 'radix-ui';
import { when } from '../../components/when';
import type { AuditEvent } from './audit-api';

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
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog dialog-wide">
          <Dialog.Title>{event.action}</Dialog.Title>
          <Dialog.Description>
            {at}, by {actor}
          </Dialog.Description>
          <dl className="facts facts-wide">
            <div>
              <dt>Target</dt>
              <dd>{target}</dd>
            </div>
            <div>
              <dt>Event ID</dt>
              <dd>
                <code>{event.id}</code>
              </dd>
            </div>
            <div>
              <dt>Request ID</dt>
              <dd>{event.requestId ? <code>{event.requestId}</code> : 'None'}</dd>
            </div>
          </dl>
          <h3 id={`payload-${event.id}`}>Payload</h3>
          {/* Scrollable, so a keyboard can reach it (and axe asks for that). */}
          <pre className="audit-payload" tabIndex={0} role="region" aria-labelledby={`payload-${event.id}`}>
            {JSON.stringify(event.data, null, 2)}
          </pre>
          <div className="actions">
            <Dialog.Close asChild>
              <button type="button">Close</button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
