import { useEffect, useState } from 'react';
import type { OrganizationRole } from '../../api/session';
import type { ListPage } from './members-api';

/**
 * A list's search and paging state: the text (sent once typing pauses), the role
 * filter, and the cursors of the pages before this one, so "Previous" goes back
 * without Roster counting anything.
 */
export function usePaging() {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [role, setRole] = useState<OrganizationRole | undefined>(undefined);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(text.trim());
      setCursors([undefined]);
    }, 300);
    return () => clearTimeout(timer);
  }, [text]);
  const page: ListPage = { q, ...(role ? { role } : {}), ...(cursors.at(-1) ? { cursor: cursors.at(-1)! } : {}) };
  return {
    page,
    text,
    setText,
    role,
    setRole: (next: OrganizationRole | undefined) => {
      setRole(next);
      setCursors([undefined]);
    },
    pageNumber: cursors.length,
    next: (cursor: string) => setCursors([...cursors, cursor]),
    previous: () => setCursors(cursors.slice(0, -1)),
  };
}

export function PageButtons({ paging, nextCursor, label }: { paging: ReturnType<typeof usePaging>; nextCursor: string | null | undefined; label: string }) {
  if (paging.pageNumber === 1 && !nextCursor) return null;
  return (
    <nav className="actions" aria-label={`${label} pages`}>
      <button type="button" className="button-secondary" disabled={paging.pageNumber === 1} onClick={paging.previous}>
        Previous page
      </button>
      <span className="page-number">Page {paging.pageNumber}</span>
      <button type="button" className="button-secondary" disabled={!nextCursor} onClick={() => nextCursor && paging.next(nextCursor)}>
        Next page
      </button>
    </nav>
  );
}
