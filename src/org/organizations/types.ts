/** The Organization, its roles, and who acts on it. No HTTP, no SCIM JSON. */

export const organizationRoles = ['admin', 'billing', 'member'] as const;

export type OrganizationRole = (typeof organizationRoles)[number];

/** Who makes a change; written on every audit event. */
export type Actor = { type: 'member'; id: string } | { type: 'scim_token'; id: string } | { type: 'sso'; id?: string } | { type: 'system'; id?: string };

export interface Organization {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}
