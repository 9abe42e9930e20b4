import { useId, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { CopyButton } from '../../components/copy-button';
import { roleName } from '../../components/layout';
import { useUpdateProfile, type Member, type ProfileEdit, type TabProps } from './member-details-api';

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
          <span className="badge">Managed by {source}</span> The identity provider owns this member’s name and email ({source}): change them there, and
          Roster takes them over {member.managedBy === 'scim' ? 'with its next update' : 'at their next sign-in'}.
        </p>
      )}
      <dl className="facts facts-wide">
        {!editable && (
          <>
            <Fact label="Email" value={member.email ?? member.userName} />
            <Fact label="First name" value={member.firstName ?? '—'} />
            <Fact label="Last name" value={member.lastName ?? '—'} />
          </>
        )}
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
      {editable && <ProfileForm key={member.updatedAt} member={member} update={update} />}
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

/** Only what was changed goes to Roster; an emptied name is no name. */
function changesOf(member: Member, fields: { firstName: string; lastName: string; email: string }): ProfileEdit {
  const name = (value: string) => value.trim() || null;
  return {
    ...(name(fields.firstName) !== member.firstName ? { firstName: name(fields.firstName) } : {}),
    ...(name(fields.lastName) !== member.lastName ? { lastName: name(fields.lastName) } : {}),
    ...(fields.email.trim() !== (member.email ?? '') ? { email: fields.email.trim() } : {}),
  };
}

function ProfileForm({ member, update }: { member: Member; update: ReturnType<typeof useUpdateProfile> }) {
  const id = useId();
  const [fields, setFields] = useState({ firstName: member.firstName ?? '', lastName: member.lastName ?? '', email: member.email ?? '' });
  const set = (field: keyof typeof fields) => (event: { target: { value: string } }) => setFields({ ...fields, [field]: event.target.value });
  const changes = changesOf(member, fields);
  const changed = Object.keys(changes).length > 0;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ id: member.id, changes });
  };
  return (
    <form className="profile-form" onSubmit={submit} aria-label="Edit profile">
      <label htmlFor={`${id}-first`}>First name</label>
      <input id={`${id}-first`} value={fields.firstName} onChange={set('firstName')} maxLength={1024} />
      <label htmlFor={`${id}-last`}>Last name</label>
      <input id={`${id}-last`} value={fields.lastName} onChange={set('lastName')} maxLength={1024} />
      <label htmlFor={`${id}-email`}>Email</label>
      <input id={`${id}-email`} inputMode="email" autoComplete="off" value={fields.email} onChange={set('email')} maxLength={320} />
      {update.isError && <ErrorNotice error={update.error} />}
      {update.isSuccess && !changed && (
        <p className="notice notice-info" role="status">
          Profile saved.
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={update.isPending || !changed}>
          Save
        </button>
      </div>
    </form>
  );
}
