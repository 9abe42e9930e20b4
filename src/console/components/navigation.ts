import type { OrganizationRole } from '../api/session';

export interface NavigationItem {
  to: string;
  label: string;
  /** Who sees the link; the server still decides what each role may do. */
  roles: readonly OrganizationRole[];
}

/** The console's sections, in order. A page adds its line here and its route in app.tsx. */
const navigation: readonly NavigationItem[] = [
  { to: '/', label: 'Home', roles: ['admin', 'billing'] },
  { to: '/members', label: 'Members', roles: ['admin', 'billing'] },
  { to: '/seats', label: 'Seats', roles: ['admin', 'billing'] },
  { to: '/workspaces', label: 'Workspaces', roles: ['admin'] },
  { to: '/groups', label: 'Groups', roles: ['admin'] },
  { to: '/access', label: 'Access', roles: ['admin'] },
  { to: '/audit', label: 'Audit log', roles: ['admin'] },
  { to: '/organization', label: 'Organization', roles: ['admin'] },
  { to: '/account', label: 'My account', roles: ['admin', 'billing', 'member'] },
];

export function navigationFor(role: OrganizationRole | null | undefined): NavigationItem[] {
  return role ? navigation.filter((item) => item.roles.includes(role)) : [];
}
