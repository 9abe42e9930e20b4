/** Where a sign-in may send the browser afterwards: Roster's own paths only. */
export function safeRelayState(value: unknown): string {
  if (typeof value !== 'string' || value.length > 512) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\u0000-\u001f\\]/.test(value)) return '/';
  return value;
}
