import type { DomainStatus } from '../domains/types.js';
import type { ManagedBy, MemberSource, MemberStatus } from '../members/types.js';
import type { OrganizationRole } from '../organizations/types.js';
import type { SsoConnection, SsoSettings } from '../sso-connections/types.js';
import type { WorkspaceRole } from '../workspaces/types.js';

/**
 * Every event Roster writes, one entry per action: the action fixes the target's
 * type and the exact shape of `data`, so a misspelled action, a wrong target or a
 * missing field fails to compile instead of reaching the audit log.
 */
type Event<Action extends string, TargetType extends string, Data> = {
  action: Action;
  target: { type: TargetType; id: string };
} & ([Data] extends [undefined] ? { data?: undefined } : { data: Data });

type Change<T> = {
  from: T;
  to: T;
};

/** What removing a member (or their leaving) revoked and released. */
type MemberDeparture = {
  userName: string;
  groupsLeft: number;
  sessionsRevoked: number;
  apiKeysRevoked: number;
  seatsReleased: string[];
};

export type AuditEntry =
  | Event<'organization.created', 'organization', { name: string }>
  | Event<'organization.renamed', 'organization', Change<string>>
  | Event<'organization.deleted', 'organization', { name: string }>
  // `admin` is the creator made the Workspace's admin, if a member created it; `default` only on the Organization's first.
  | Event<'workspace.created', 'workspace', { name: string; admin?: string | null; default?: true }>
  | Event<'workspace.renamed', 'workspace', Change<string>>
  | Event<'workspace.deleted', 'workspace', { name: string }>
  // `from` is the role held before, present only when the role changed.
  | Event<'workspace.member_added' | 'workspace.member_role_changed', 'workspace', { memberId: string; role: WorkspaceRole; from?: WorkspaceRole }>
  | Event<'workspace.member_removed', 'workspace', { memberId: string }>
  | Event<
      'member.created',
      'member',
      { userName: string; role: OrganizationRole; source: MemberSource; managedBy: ManagedBy; status: MemberStatus; seats: string[] }
    >
  | Event<'member.account_linked', 'member', { accountId: string }>
  | Event<'member.removed' | 'member.left', 'member', MemberDeparture>
  | Event<'member.updated' | 'member.role_changed' | 'member.suspended' | 'member.reactivated', 'member', MemberChange>
  | Event<'seat_pool.limit_set', 'seat_pool', Change<number | null>>
  // `automatic` when SSO sign-in took the seat.
  | Event<'seat.assigned', 'member', { product: string; automatic?: true }>
  | Event<'seat.released', 'member', { product: string }>
  // SSO sign-in wanted the seat but its pool had none free.
  | Event<'seat.unavailable', 'member', { product: string; reason: 'no_free_seat' }>
  | Event<'group.created', 'group', { displayName: string; managedBy: ManagedBy; memberIds: string[] }>
  // Only what changed; the externalId's value is not kept.
  | Event<'group.updated', 'group', { displayName?: Change<string>; externalIdChanged?: true; membersAdded?: string[]; membersRemoved?: string[] }>
  | Event<'group.deleted', 'group', { displayName: string }>
  // `from` is the role granted before, present only when the grant changed.
  | Event<'group.role_granted', 'group', { workspaceId: string; role: WorkspaceRole; from?: WorkspaceRole }>
  | Event<'group.role_revoked', 'group', { workspaceId: string }>
  | Event<'scim_token.created', 'scim_token', { name: string }>
  | Event<'scim_token.revoked', 'scim_token', undefined>
  | Event<'api_key.created', 'api_key', { memberId: string; workspaceId: string; name: string }>
  | Event<'api_key.revoked', 'api_key', undefined>
  | Event<'invitation.created', 'invitation', { email: string; role: OrganizationRole; seats: string[] }>
  // `expiresAt` of the new link, as ISO 8601.
  | Event<'invitation.resent', 'invitation', { email: string; expiresAt: string }>
  | Event<'invitation.revoked', 'invitation', { email: string }>
  | Event<'invitation.accepted', 'invitation', { memberId: string; accountId: string; role: OrganizationRole; seats: string[]; seatsUnavailable: string[] }>
  | Event<'domain.claimed', 'domain', { domain: string }>
  | Event<'domain.verification_failed', 'domain', { domain: string; reason: string | null }>
  | Event<'domain.verified', 'domain', { domain: string }>
  | Event<'domain.auto_join_changed', 'domain', { domain: string; autoJoin: boolean }>
  | Event<'domain.deleted', 'domain', { domain: string; status: DomainStatus }>
  // The connection's settings after the save; `certificates` is their count, `created` whether it was the first save.
  | Event<'sso.connection_saved', 'sso_connection', SsoConnectionSaved>
  // Only the switches that changed.
  | Event<'sso.settings_changed', 'sso_connection', { [Setting in keyof SsoSettings]?: Change<unknown> }>
  | Event<'sso.connection_deleted', 'sso_connection', { idpEntityId: string; ssoUrl: string }>;

/** A member's profile, role, status or seats changed: only the parts that did. */
export type MemberChange = {
  /** The profile fields changed, by name. */
  fields?: string[];
  role?: Change<OrganizationRole>;
  status?: Change<MemberStatus>;
  seatsAssigned?: string[];
  seatsReleased?: string[];
};

type SsoConnectionSaved = {
  created: boolean;
  idpEntityId: string;
  ssoUrl: string;
  certificates: number;
  nameIdFormat: SsoConnection['nameIdFormat'];
  attributeMapping: SsoConnection['attributeMapping'];
  enabled: boolean;
};
