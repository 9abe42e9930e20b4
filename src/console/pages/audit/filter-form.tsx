import { useId, useState } from 'react';
import { actorTypes, browserTimeZone, isoToLocal, localToIso, type ActorType, type AuditFilter } from './audit-filters';
import { useMemberNames } from './audit-api';
import { MemberPicker } from '../../components/member-picker';

const memberIdShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Draft {
  actorType: string;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  from: string;
  to: string;
}

const draftOf = (filter: AuditFilter): Draft => ({
  actorType: filter.actorType ?? '',
  actorId: filter.actorId ?? '',
  action: filter.action ?? '',
  targetType: filter.targetType ?? '',
  targetId: filter.targetId ?? '',
  from: isoToLocal(filter.from),
  to: isoToLocal(filter.to),
});

function filterOf(draft: Draft, applied: AuditFilter): AuditFilter {
  const text = (value: string) => value.trim() || undefined;
  // A time left as it was shown keeps its exact instant (seconds included); a changed one is read in the browser's zone.
  const instant = (local: string, before: string | undefined) => (local && local === isoToLocal(before) ? before : localToIso(local) || undefined);
  const filter = {
    actorType: (draft.actorType || undefined) as ActorType | undefined,
    actorId: text(draft.actorId),
    action: text(draft.action),
    targetType: text(draft.targetType),
    targetId: text(draft.targetId),
    from: instant(draft.from, applied.from),
    to: instant(draft.to, applied.to),
  };
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as AuditFilter;
}

/**
 * The audit log's filters, as the API takes them: the actor by type and id (a member can be
 * found by name or email), the exact action, the target by type and id, and a time range.
 * Nothing is sent until "Apply"; "Clear" shows the whole log again.
 */
export function FilterForm({ applied, onApply }: { applied: AuditFilter; onApply(filter: AuditFilter): void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(applied));
  const actorTypeId = useId();
  const actorId = draft.actorId.trim();
  // Which member an id names, once it looks like one (no request per keystroke of a half-typed id).
  const chosen = useMemberNames(draft.actorType === 'member' && memberIdShape.test(actorId) ? [actorId] : []);
  const actorName = chosen.get(actorId);
  const field = (name: keyof Draft) => ({
    name,
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft((before) => ({ ...before, [name]: event.target.value })),
  });
  return (
    <form
      className="panel audit-filters"
      aria-label="Filters"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(filterOf(draft, applied));
      }}
    >
      <fieldset className="audit-fieldset">
        <legend>Actor</legend>
        {/* Not wrapped in its label: the select's name is then "Actor type" alone, not followed by its choice. */}
        <label htmlFor={actorTypeId}>Actor type</label>
        <select id={actorTypeId} {...field('actorType')}>
          <option value="">Anyone</option>
          {actorTypes.map((type) => (
            <option key={type.value} value={type.value}>
              {type.label}
            </option>
          ))}
        </select>
        <label>
          Actor ID
          <input {...field('actorId')} maxLength={200} />
        </label>
        {actorName && <p className="hint">That is {actorName}.</p>}
        <MemberPicker
          action="Choose"
          onPick={async (member) => {
            setDraft((before) => ({ ...before, actorType: 'member', actorId: member.id }));
          }}
        />
      </fieldset>
      <fieldset className="audit-fieldset">
        <legend>What</legend>
        <label>
          Action
          <input {...field('action')} maxLength={200} aria-describedby="audit-action-hint" />
        </label>
        <p className="hint" id="audit-action-hint">
          The exact name, as the list shows it: member.role_changed, invitation.created…
        </p>
        <label>
          Target type
          <input {...field('targetType')} maxLength={200} aria-describedby="audit-target-hint" />
        </label>
        <p className="hint" id="audit-target-hint">
          As the list shows it: member, invitation, workspace…
        </p>
        <label>
          Target ID
          <input {...field('targetId')} maxLength={200} />
        </label>
      </fieldset>
      <fieldset className="audit-fieldset">
        <legend>When</legend>
        <label>
          From
          <input type="datetime-local" {...field('from')} aria-describedby="audit-time-hint" />
        </label>
        <label>
          To
          <input type="datetime-local" {...field('to')} aria-describedby="audit-time-hint" />
        </label>
        <p className="hint" id="audit-time-hint">
          In your browser’s time zone, {browserTimeZone()}; Roster receives them in UTC. From is included, To is not.
        </p>
      </fieldset>
      <div className="actions">
        <button type="submit">Apply</button>
        <button
          type="button"
          className="button-secondary"
          onClick={() => {
            setDraft(draftOf({}));
            onApply({});
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
