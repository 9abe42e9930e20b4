import { PageButtons, useCursors } from '../../components/paging';
import { EmptyRow, ListTable, QueryView } from '../../components/table';
import { when } from '../../components/when';
import { useAuditEvents, useMemberNames, useScimTokenNames, type AuditEvent } from './audit-api';
import { actorTypeName, type AuditFilter } from './audit-filters';
import { EventDetails } from './event-details';

/** The member ids a page names, as actors or targets, once each. */
function memberIdsOf(events: readonly AuditEvent[]): string[] {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.actor.type === 'member' && event.actor.id) ids.add(event.actor.id);
    if (event.target.type === 'member') ids.add(event.target.id);
  }
  return [...ids];
}

const noNames: ReadonlyMap<string, string> = new Map();

/** An actor or target in words: its kind, then the member's email or the token's name when Roster still knows them, else its id. */
function party(kind: string, id: string | null, names: ReadonlyMap<string, string>): string {
  const name = id ? names.get(id) : undefined;
  if (name) return `${kind} ${name}`;
  return id ? `${kind} ${id}` : kind;
}

/**
 * The events the filters select, newest first, a page at a time (keyset cursors: the page
 * list starts again at page 1 whenever the filters change, since the page holds it by key).
 */
export function AuditList({ filter }: { filter: AuditFilter }) {
  const paging = useCursors();
  const events = useAuditEvents(filter, paging.cursor);
  const shown = events.data?.events ?? [];
  const members = useMemberNames(memberIdsOf(shown));
  const tokens = useScimTokenNames(shown.some((event) => event.actor.type === 'scim_token' || event.target.type === 'scim_token'));
  const namesOf = (type: string) => (type === 'member' ? members : type === 'scim_token' ? tokens : noNames);
  return (
    <QueryView query={events} loading="Loading the audit log">
      {(page) => (
        <>
          <ListTable caption="Audit events, newest first" actions labels={['Time', 'Actor', 'Action', 'Target']}>
            {page.events.length === 0 && <EmptyRow columns={5}>No event matches.</EmptyRow>}
            {page.events.map((event) => {
              const actor = party(actorTypeName(event.actor.type), event.actor.id, namesOf(event.actor.type));
              const target = party(event.target.type, event.target.id, namesOf(event.target.type));
              return (
                <tr key={event.id}>
                  <td>{when(event.createdAt)}</td>
                  <td className="audit-party">{actor}</td>
                  <th scope="row" className="audit-action">
                    <code>{event.action}</code>
                  </th>
                  <td className="audit-party">{target}</td>
                  <td>
                    <EventDetails event={event} actor={actor} target={target} />
                  </td>
                </tr>
              );
            })}
          </ListTable>
          <PageButtons paging={paging} nextCursor={page.nextCursor} label="Audit log" />
        </>
      )}
    </QueryView>
  );
}
