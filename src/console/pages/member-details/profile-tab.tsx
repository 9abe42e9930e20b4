import { CopyButton } from '../../components/copy-button';
import { roleName } from '../../components/layout';
import { ProfileFacts, ProfileForm } from '../../components/profile-form';
import { Fact } from '../../components/fact';
import { useUpdateProfile, type TabProps } from './member-details-api';

const statusNames = { active: 'Active', suspended: 'Suspended' } as const;

/**
 * Profile: who the member is. Name and email are the identity provider's when it manages
 * the member (SCIM or SSO), so they are shown and not edited; otherwise an Admin edits them.
 */
export function ProfileTab({ member, canManage }: TabProps) {
  const managed = member.managedBy !== 'none';
  const editable = canManage && !managed;
  const update = useUpdateProfile();
  const source = member.managedBy.toUpperCase();
  return (
    <section className="panel" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      {managed && (
        <p className="hint">
          <span className="badge">Managed by {source}</span> The identity provider owns this member’s name and email ({source}): change them there, and Roster
          takes them over {member.managedBy === 'scim' ? 'with its next update' : 'at their next sign-in'}.
        </p>
      )}
      <dl className="facts facts-wide">
        {!editable && <ProfileFacts profile={member} userName={member.userName} />}
        <div>
          <dt>User ID</dt>
          <dd>
            <code>{member.id}</code> <CopyButton value={member.id} what="user ID" />
          </dd>
        </div>
        <Fact label="Role" value={roleName(member.role)} />
        <Fact label="Status" value={statusNames[member.status]} />
      </dl>
      {/* A new answer from Roster (after a save) starts the form again from what Roster now holds. */}
      {editable && <ProfileForm key={member.updatedAt} profile={member} saving={update} onSave={(changes) => update.mutate({ id: member.id, changes })} />}
    </section>
  );
}
