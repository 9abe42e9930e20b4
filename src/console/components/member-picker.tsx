import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { Schema } from '../api/client';
import { unwrap } from '../api/errors';
import { client } from '../api/session';
import { ErrorNotice, useAwaitedChange } from './error-notice';
import { memberName } from './member-name';

export type MemberSummary = Schema<'MemberSummary'>;

const matchesShown = 10;

/** The Organization's members matching what was typed (last name or email), searched by Roster once typing pauses. */
function useMatches(text: string) {
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 300);
    return () => clearTimeout(timer);
  }, [text]);
  return useQuery({
    queryKey: ['members', 'list', 'picker', q],
    queryFn: () => unwrap(client.GET('/api/v1/members', { params: { query: { q, limit: matchesShown } } })),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
  });
}

/**
 * Finds a member of the Organization and does `action` with them (add to a Workspace, to a
 * group): a search field, then one button per match. `children` are the fields that go with
 * the action (a role). Those already in are marked and cannot be picked; whatever Roster
 * refuses is shown under the matches.
 */
export function MemberPicker({
  action,
  alreadyIn = [],
  onPick,
  children,
}: {
  action: string;
  alreadyIn?: readonly string[];
  onPick(member: MemberSummary): Promise<unknown>;
  children?: ReactNode;
}) {
  const [text, setText] = useState('');
  const { problem, pending, run } = useAwaitedChange();
  const matches = useMatches(text);
  const searchId = useId();
  const pick = (member: MemberSummary) =>
    run(
      () => onPick(member),
      () => setText(''),
    );
  const searching = text.trim().length > 0;
  return (
    <div className="member-picker">
      <div className="inline-form">
        <label htmlFor={searchId}>Find a member by last name or email</label>
        <input id={searchId} type="search" value={text} onChange={(event) => setText(event.target.value)} />
        {children}
      </div>
      {searching && matches.isError && <ErrorNotice error={matches.error} />}
      {searching && matches.data && (
        <ul className="picker-matches" aria-label="Matching members">
          {matches.data.members.length === 0 && <li>No member matches.</li>}
          {matches.data.members.map((member) => {
            const email = member.email ?? member.userName;
            const inAlready = alreadyIn.includes(member.id);
            return (
              <li key={member.id}>
                <span>
                  {memberName(member)} <span className="muted">{email}</span>
                </span>
                {inAlready ? (
                  <span className="badge">Already in</span>
                ) : (
                  <button type="button" className="button-secondary button-small" disabled={pending} onClick={() => void pick(member)}>
                    {action} {email}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {problem !== null && <ErrorNotice error={problem} />}
    </div>
  );
}
