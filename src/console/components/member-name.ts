/** How the console names a member: first and last name, else the display name, else the userName. */
export function memberName(member: { firstName: string | null; lastName: string | null; displayName: string | null; userName: string }): string {
  return [member.firstName, member.lastName].filter(Boolean).join(' ') || member.displayName || member.userName;
}
