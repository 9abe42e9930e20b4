import { useEffect, useState } from 'react';
import type { OrganizationRole } from '../../api/session';
import { useCursors } from '../../components/paging';
import type { ListPage } from './members-api';

/**
 * A Members list's search and paging state: the text (sent once typing pauses), the role
 * filter, and the keyset cursors (a new search or role starts again at page 1).
 */
export function usePaging() {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [role, setRole] = useState<OrganizationRole | undefined>(undefined);
  const cursors = useCursors();
  const { reset } = cursors;
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(text.trim());
      reset();
    }, 300);
    return () => clearTimeout(timer);
  }, [text, reset]);
  const page: ListPage = { q, ...(role ? { role } : {}), ...(cursors.cursor ? { cursor: cursors.cursor } : {}) };
  return {
    ...cursors,
    page,
    text,
    setText,
    role,
    setRole: (next: OrganizationRole | undefined) => {
      setRole(next);
      reset();
    },
  };
}
