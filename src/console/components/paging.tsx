import { useCallback, useState } from 'react';

/**
 * Keyset paging: the cursors of the pages before this one, so "Previous" goes back without
 * Roster counting anything. `reset` goes back to the first page (after a filter changes).
 */
export function useCursors() {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  return {
    cursor: cursors.at(-1),
    pageNumber: cursors.length,
    next: (cursor: string) => setCursors((before) => [...before, cursor]),
    previous: () => setCursors((before) => before.slice(0, -1)),
    reset: useCallback(() => setCursors([undefined]), []),
  };
}

export type Cursors = ReturnType<typeof useCursors>;

/** "Previous page", the page number and "Next page", under a list of more than one page. */
export function PageButtons({ paging, nextCursor, label }: { paging: Cursors; nextCursor: string | null | undefined; label: string }) {
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
