/** Where to go after signing in: one of the console's own paths (the server checks `next` the same way). */
export function ownPath(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\u0000-\u001f\\]/.test(value)) return '/';
  return value;
}
