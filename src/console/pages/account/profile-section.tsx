import { roleName } from '../../components/layout';
import { ProfileFacts, ProfileForm } from '../../components/profile-form';
import { Fact } from '../../components/fact';
import { useUpdateProfile, type Member } from './account-api';

const managers = { scim: 'SCIM', sso: 'SSO' } as const;

/** Who you are here: name and email (yours to edit unless an identity provider owns them), role, seats, Workspaces. */
export function ProfileSection({ member }: { member: Member }) {
  const managedBy = member.managedBy === 'none' ? null : managers[member.managedBy];
  const update = useUpdateProfile();
  return (
    <section className="panel" aria-labelledby="profile">
      <h2 id="profile">Profile {managedBy && <span className="badge">Managed by {managedBy}</span>}</h2>
      {managedBy ? (
        <>
          <p className="hint">Your name and email come from your Organization’s identity provider ({managedBy}); change them there, and Roster follows.</p>
          <dl className="facts facts-wide">
            <ProfileFacts profile={member} userName={member.userName} />
          </dl>
        </>
      ) : (
        // Keyed by the last change, so the form starts again from what Roster saved.
        <ProfileForm key={member.updatedAt} profile={member} saving={update} onSave={(changes) => update.mutate(changes)} />
      )}
      <dl className="facts facts-wide">
        <Fact label="Sign-in name" value={member.userName} />
        <Fact label="Role" value={roleName(member.role)} />
        <Fact label="Seats" value={member.seats.length > 0 ? member.seats.join(', ') : 'None'} />
        <Fact
          label="Workspaces"
          value={
            member.workspaces.length > 0
              ? member.workspaces.map((workspace) => `${workspace.name} (${workspace.role === 'admin' ? 'Admin' : 'Contributor'})`).join(', ')
              : 'None'
          }
        />
      </dl>
    </section>
  );
}
