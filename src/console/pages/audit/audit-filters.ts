import type { paths } from '../../api/generated/schema';

/** The query `GET /api/v1/audit-events.csv` takes: the filters alone, no cursor or page size. */
export type AuditFilter = NonNullable<paths['/api/v1/audit-events.csv']['get']['parameters']['query']>;
export type ActorType = NonNullable<AuditFilter['actorType']>;

export const actorTypes: ReadonlyArray<{ value: ActorType; label: string }> = [
  { value: 'member', label: 'Member' },
  { value: 'scim_token', label: 'SCIM token' },
  { value: 'sso', label: 'SSO sign-in' },
  { value: 'system', label: 'System' },
];

export function actorTypeName(type: string): string {
  return actorTypes.find((known) => known.value === type)?.label ?? type;
}

/**
 * The filters live in the address under the API's own names (`?action=member.role_changed&from=…Z`),
 * so a filtered view reloads and can be shared, and the page sends the server exactly what it reads.
 * A value the server does not accept (an edited address) goes to it as it is: its refusal is shown.
 */
const names = ['actorType', 'actorId', 'action', 'targetType', 'targetId', 'from', 'to'] as const;

export function filterFrom(params: URLSearchParams): AuditFilter {
  const filter: Record<string, string> = {};
  for (const name of names) {
    const value = params.get(name);
    if (value) filter[name] = value;
  }
  return filter as AuditFilter;
}

export function paramsOf(filter: AuditFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of names) {
    const value = filter[name];
    if (value) params.set(name, value);
  }
  return params;
}

/** Where the CSV of exactly these filters downloads from (same origin: the session cookie goes along). */
export function csvHref(filter: AuditFilter): string {
  const query = paramsOf(filter).toString();
  return `/api/v1/audit-events.csv${query ? `?${query}` : ''}`;
}

/** The browser's own time zone, which `datetime-local` fields are read in. */
export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A `datetime-local` value (the browser's wall-clock time) as an ISO instant in UTC; empty stays empty. */
export function localToIso(local: string): string {
  if (!local) return '';
  const instant = new Date(local);
  return Number.isNaN(instant.getTime()) ? '' : instant.toISOString();
}

const two = (n: number) => String(n).padStart(2, '0');

/** An ISO instant as a `datetime-local` value in the browser's time zone (to the minute); unreadable: empty. */
export function isoToLocal(iso: string | undefined): string {
  if (!iso) return '';
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return '';
  return `${instant.getFullYear()}-${two(instant.getMonth() + 1)}-${two(instant.getDate())}T${two(instant.getHours())}:${two(instant.getMinutes())}`;
}
