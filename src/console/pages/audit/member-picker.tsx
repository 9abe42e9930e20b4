import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { useMemberSearch, type MemberSummary } from './audit-api';

/**
 * The API filters the log by actor id; an Admin knows people by name or email. This finds
 * current members (searched by Roster, as the Members panel does) and hands the chosen one's id over.
 */
export function MemberPicker({ onPick }: { onPick(member: MemberSummary): void }) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 300);
    return () => clearTimeout(timer);
  }, [text]);
  const found = useMemberSearch(q);
  return (
    <div className="audit-picker">
      <label>
        Find a member by last name or email
        <input type="search" value={text} onChange={(event) => setText(event.target.value)} />
      </label>
      {found.isError && <ErrorNotice error={found.error} />}
      {q && found.data && (
        <ul className="audit-picks" aria-label="Members found">
          {found.data.length === 0 && <li className="hint">No member matches.</li>}
          {found.data.map((member) => (
            <li key={member.id}>
              <button
                type="button"
                className="button-secondary button-small"
                onClick={() => {
                  onPick(member);
                  setText('');
                }}
              >
                Choose {member.email ?? member.userName}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
