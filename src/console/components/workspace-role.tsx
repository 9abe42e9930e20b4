import type { Schema } from '../api/client';

export type WorkspaceRole = Schema<'WorkspaceMember'>['role'];

/** The roles a Workspace gives, the lesser first: a new member or grant starts as a contributor. */
const workspaceRoles: readonly WorkspaceRole[] = ['contributor', 'admin'];

const names: Record<WorkspaceRole, string> = { admin: 'Admin', contributor: 'Contributor' };

export function workspaceRoleName(role: WorkspaceRole): string {
  return names[role];
}

/**
 * A Workspace role to pick: a member's role in a Workspace, or the role a group grants there.
 * `label` names it for assistive technology when no visible label points at `id`.
 */
export function WorkspaceRoleSelect({
  value,
  onChange,
  label,
  id,
  disabled,
}: {
  value: WorkspaceRole;
  onChange(role: WorkspaceRole): void;
  label?: string;
  id?: string;
  disabled?: boolean;
}) {
  return (
    <select id={id} aria-label={label} value={value} disabled={disabled} onChange={(event) => onChange(event.target.value as WorkspaceRole)}>
      {workspaceRoles.map((role) => (
        <option key={role} value={role}>
          {workspaceRoleName(role)}
        </option>
      ))}
    </select>
  );
}
