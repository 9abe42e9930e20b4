import { ConflictError } from '../../errors.js';

/** A precondition on an entity's version (If-Match): one version, or any of several. */
export type ExpectedVersion = number | readonly number[];

/** The versions a precondition accepts, as a list (what a guarded statement's `version IN (…)` takes). */
export function acceptedVersions(expected: ExpectedVersion): readonly number[] {
  return typeof expected === 'number' ? [expected] : expected;
}

/** Refuses the change unless the entity is at the expected version. */
export function assertVersion(entity: 'member' | 'group' | 'SSO connection', actual: number, expected: ExpectedVersion | undefined): void {
  if (expected === undefined) return;
  const accepted = acceptedVersions(expected);
  if (accepted.includes(actual)) return;
  throw new ConflictError('version_mismatch', `The ${entity} has changed since version ${accepted.join(' or ')} (now ${actual})`, {
    expected: accepted,
    actual,
  });
}

/**
 * A change planned on an unlocked read found the entity at another version when
 * it came to write: nothing was written, and the caller plans again on a locked
 * read. Never reaches a client.
 */
export class ChangedMeanwhileError extends Error {
  constructor(entity: 'member' | 'group', id: string) {
    super(`The ${entity} ${id} changed between the read and the write`);
    this.name = 'ChangedMeanwhileError';
  }
}
