import { useId, useState } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { roleName } from '../../components/layout';
import { useUpdateProfile, type Member } from './account-api';

const managers = { scim: 'SCIM', sso: 'SSO' } as const;

/** Who you are here: name and email (yours to edit unless an identity provider owns them), role, seats, Workspaces. */
export function ProfileSection({ member }: { member: Member }) {
  const managedBy = member.managedBy === 'none' ? null : managers[member.managedBy];
  const update = useUpdateProfile();
  return (
    <section className="panel" aria-labelledby="profile">
      <h2 id="profile">
        Profile {managedBy && <span className="badge">Managed by {managedBy}</span>}
      </h2>
      {managedBy ? (
        <>
          <p className="hint">
            Your name and email come from your Organization’s identity provider ({managedBy}); change them there, and Roster follows.
          </p>
          <dl className="facts facts-wide">
            <Fact label="Email" value={member.email ?? member.userName} />
            <Fact label="First name" value={member.firstName ?? '—'} />
            <Fact label="Last name" value={member.lastName ?? '—'} />
          </dl>
        </>
      ) : (
        // Keyed by the last change, so the form starts again from what Roster saved.
        <ProfileForm key={member.updatedAt} member={member} update={update} />
      )}
      {update.isError && <ErrorNotice error={update.error} />}
      {update.isSuccess && (
        <p role="status" className="notice notice-info">
          Profile saved.
        </p>
      )}
      <dl className="facts facts-wide">
        <Fact label="Sign-in name" value={member.userName} />
        <Fact label="Role" value={roleName(member.role)} />
        <Fact label="Seats" value={member.seats.length > 0 ? member.seats.join(', ') : 'None'} />
        <Fact
          label="Workspaces"
          value={member.workspaces.length > 0 ? member.workspaces.map((workspace) => `${workspace.name} (${workspace.role === 'admin' ? 'Admin' : 'Contributor'})`).join(', ') : 'None'}
        />
      </dl>
    </section>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function ProfileForm({ member, update }: { member: Member; update: ReturnType<typeof useUpdateProfile> }) {
  const [email, setEmail] = useState(member.email ?? member.userName);
  const [firstName, setFirstName] = useState(member.firstName ?? '');
  const [lastName, setLastName] = useState(member.lastName ?? '');
  const id = useId();
  const orNull = (text: string) => (text.trim() === '' ? null : text.trim());
  return (
    <form
      className="profile-form"
      onSubmit={(event) => {
        event.preventDefault();
        update.mutate({ email: email.trim(), firstName: orNull(firstName), lastName: orNull(lastName) });
      }}
    >
      <label htmlFor={`${id}-email`}>Email</label>
      <input id={`${id}-email`} type="email" required maxLength={320} value={email} onChange={(event) => setEmail(event.target.value)} />
      <label htmlFor={`${id}-first`}>First name</label>
      <input id={`${id}-first`} maxLength={1024} value={firstName} onChange={(event) => setFirstName(event.target.value)} />
      <label htmlFor={`${id}-last`}>Last name</label>
      <input id={`${id}-last`} maxLength={1024} value={lastName} onChange={(event) => setLastName(event.target.value)} />
      <div className="actions">
        <button type="submit" disabled={update.isPending}>
          Save profile
        </button>
      </div>
    </form>
  );
}
