import type { ReactNode } from 'react';
import { ErrorNotice, Loading } from './error-notice';

/**
 * A list's header row: one column heading per label and, when rows carry buttons, a last
 * column whose heading only screen readers hear.
 */
function TableHeader({ labels, actions = false }: { labels: readonly ReactNode[]; actions?: boolean }) {
  return (
    <thead>
      <tr>
        {labels.map((label, index) => (
          <th scope="col" key={index}>
            {label}
          </th>
        ))}
        {actions && (
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}

/**
 * A list as a table: a caption that only screen readers hear, the header row (see TableHeader),
 * then `children`, its rows.
 */
export function ListTable({
  caption,
  labels,
  actions = false,
  children,
}: {
  caption: string;
  labels: readonly ReactNode[];
  actions?: boolean;
  children: ReactNode;
}) {
  return (
    <table className="table">
      <caption className="visually-hidden">{caption}</caption>
      <TableHeader actions={actions} labels={labels} />
      <tbody>{children}</tbody>
    </table>
  );
}

/** What a query has come to: its error, "Loading …" while it runs, else what `children` makes of its data. */
export function QueryView<T>({
  query,
  loading,
  children,
}: {
  query: { isError: boolean; error: unknown; isPending: boolean; data: T | undefined };
  loading: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isError) return <ErrorNotice error={query.error} />;
  if (query.isPending || query.data === undefined) return <Loading what={loading} />;
  return <>{children(query.data)}</>;
}

/** The one row of an empty list, across all its columns: what there is instead ("No member matches."). */
export function EmptyRow({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={columns}>{children}</td>
    </tr>
  );
}
