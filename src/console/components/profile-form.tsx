import { useId, useState, type FormEvent } from 'react';
import { ErrorNotice } from './error-notice';
import { Fact } from './fact';

/** A profile change as the admin API takes it: only the fields that changed; an emptied name is no name. */
export interface ProfileChanges {
  firstName?: string | null;
  lastName?: string | null;
  email?: string;
}

interface Profile {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
}

/** Where the last save stands: the state of the mutation that saves the profile. */
interface Saving {
  isPending: boolean;
  error: unknown;
  isSuccess: boolean;
}

/** Name and email shown, not edited (an identity provider owns them, or the reader may not change them); inside a facts list. */
export function ProfileFacts({ profile, userName }: { profile: Profile; userName: string }) {
  return (
    <>
      <Fact label="Email" value={profile.email ?? userName} />
      <Fact label="First name" value={profile.firstName ?? '—'} />
      <Fact label="Last name" value={profile.lastName ?? '—'} />
    </>
  );
}

function changesOf(profile: Profile, fields: { firstName: string; lastName: string; email: string }): ProfileChanges {
  const name = (value: string) => value.trim() || null;
  return {
    ...(name(fields.firstName) !== profile.firstName ? { firstName: name(fields.firstName) } : {}),
    ...(name(fields.lastName) !== profile.lastName ? { lastName: name(fields.lastName) } : {}),
    ...(fields.email.trim() !== (profile.email ?? '') ? { email: fields.email.trim() } : {}),
  };
}

/**
 * First name, last name and email of a profile no identity provider manages (My account, a
 * member's details page). Roster checks the values (its message shows if it refuses one); the
 * form sends what changed. Key it by the profile's `updatedAt`, so it starts again from what
 * Roster saved.
 */
export function ProfileForm({ profile, saving, onSave }: { profile: Profile; saving: Saving; onSave(changes: ProfileChanges): void }) {
  const { isPending: pending, error, isSuccess: saved } = saving;
  const id = useId();
  const [fields, setFields] = useState({ firstName: profile.firstName ?? '', lastName: profile.lastName ?? '', email: profile.email ?? '' });
  const set = (field: keyof typeof fields) => (event: { target: { value: string } }) => setFields({ ...fields, [field]: event.target.value });
  const changes = changesOf(profile, fields);
  const changed = Object.keys(changes).length > 0;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave(changes);
  };
  return (
    <form className="profile-form" onSubmit={submit} aria-label="Edit profile">
      <label htmlFor={`${id}-first`}>First name</label>
      <input id={`${id}-first`} value={fields.firstName} onChange={set('firstName')} maxLength={1024} autoComplete="given-name" />
      <label htmlFor={`${id}-last`}>Last name</label>
      <input id={`${id}-last`} value={fields.lastName} onChange={set('lastName')} maxLength={1024} autoComplete="family-name" />
      <label htmlFor={`${id}-email`}>Email</label>
      <input id={`${id}-email`} inputMode="email" autoComplete="off" value={fields.email} onChange={set('email')} maxLength={320} />
      {error !== null && error !== undefined && <ErrorNotice error={error} />}
      {saved && !changed && (
        <p className="notice notice-info" role="status">
          Profile saved.
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={pending || !changed}>
          Save profile
        </button>
      </div>
    </form>
  );
}
