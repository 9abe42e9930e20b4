/** A time as the admin's browser writes it, or what to say when there is none. */
export function when(iso: string | null | undefined, none = 'Never'): string {
  return iso ? new Date(iso).toLocaleString() : none;
}
