import { useSearchParams } from 'react-router';
import { pageFor } from '../../components/only-for';
import { useAuditEvents } from './audit-api';
import { csvHref, filterFrom, paramsOf, type AuditFilter } from './audit-filters';
import { AuditList } from './audit-list';
import { FilterForm } from './filter-form';

/**
 * `/audit` (Admins): who did what to whom, newest first. The filters are in the address, so a
 * filtered view reloads and can be shared; "Download CSV" exports what the same filters select.
 * Whether the caller may read the log is the server's answer; other roles are not shown it.
 */
export const AuditPage = pageFor(['admin'], 'The audit log is for Admins.', FilteredAuditLog);

function FilteredAuditLog() {
  const [params, setParams] = useSearchParams();
  const filter = filterFrom(params);
  const applied = paramsOf(filter).toString();
  return <AuditLog filter={filter} applied={applied} onApply={(next) => setParams(paramsOf(next))} />;
}

function AuditLog({ filter, applied, onApply }: { filter: AuditFilter; applied: string; onApply(filter: AuditFilter): void }) {
  // The list's first page (the same query, so no second request): filters Roster refuses give no CSV either.
  const first = useAuditEvents(filter, undefined);
  return (
    <>
      <div className="title-bar">
        <h1>Audit log</h1>
        {!first.isError && (
          <a className="button button-secondary" href={csvHref(filter)} download="audit-events.csv">
            Download CSV
          </a>
        )}
      </div>
      {/* Keyed by the filters: a new search shows its own draft and starts again at page 1. */}
      <FilterForm key={`form:${applied}`} applied={filter} onApply={onApply} />
      <AuditList key={`list:${applied}`} filter={filter} />
    </>
  );
}
