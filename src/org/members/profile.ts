import { InvalidInputError } from '../../errors.js';
import type { Email, Member, ProfileChanges } from './types.js';
import { requireEmail, requireText } from '../organizations/validation.js';

/** The fields an IdP owns when it manages a member (invariant 4). */
export const protectedFields = new Set(['userName', 'name', 'displayName', 'emails']);

function optionalText(field: string, value: unknown): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw new InvalidInputError('invalid_value', `${field} must be a string`, { field });
  const trimmed = value.trim();
  if (trimmed.length > 1024) throw new InvalidInputError('invalid_value', `${field} must be at most 1024 characters`, { field });
  return trimmed === '' ? null : trimmed;
}

function normaliseEmails(emails: Email[] | null | undefined): Email[] | undefined {
  if (emails === undefined) return undefined;
  if (emails === null) return [];
  if (!Array.isArray(emails)) throw new InvalidInputError('invalid_value', 'emails must be a list', { field: 'emails' });
  const result = emails.map((email, index) => ({
    value: requireEmail(`emails[${index}].value`, email?.value),
    type: optionalText(`emails[${index}].type`, email.type) ?? null,
    primary: email.primary === true,
    display: optionalText(`emails[${index}].display`, email.display) ?? null,
  }));
  // RFC 7643 §2.4: at most one value may be primary.
  if (result.filter((email) => email.primary).length > 1) {
    throw new InvalidInputError('invalid_value', 'Only one email can be primary', { field: 'emails' });
  }
  return result;
}

/** Validates a profile change and trims its text; an empty string clears a field. */
export function normaliseProfileChanges(changes: ProfileChanges): ProfileChanges {
  const result: ProfileChanges = {};
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    switch (field) {
      case 'userName':
        result.userName = requireText('userName', value, 256);
        break;
      case 'emails':
        result.emails = normaliseEmails(value as Email[] | null);
        break;
      case 'name':
      case 'enterprise': {
        const nested: Record<string, unknown> = {};
        for (const [key, inner] of Object.entries((value ?? {}) as Record<string, unknown>)) {
          if (inner === undefined) continue;
          if (key === 'manager') {
            const manager = inner as { id?: unknown; displayName?: unknown } | null;
            nested.manager =
              manager && manager.id
                ? { id: requireText('manager.id', manager.id, 256), displayName: optionalText('manager.displayName', manager.displayName) ?? null }
                : null;
          } else nested[key] = optionalText(`${field}.${key}`, inner);
        }
        (result as Record<string, unknown>)[field] = nested;
        break;
      }
      case 'phoneNumbers':
      case 'ims':
      case 'photos':
      case 'addresses':
      case 'entitlements':
      case 'roles':
      case 'x509Certificates':
        if (value !== null && !Array.isArray(value)) throw new InvalidInputError('invalid_value', `${field} must be a list`, { field });
        (result as Record<string, unknown>)[field] = value ?? [];
        break;
      default:
        (result as Record<string, unknown>)[field] = optionalText(field, value);
    }
  }
  return result;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The fields (`userName`, `name.givenName`, …) whose values `changes` would change. */
export function profileDifferences(member: Member, changes: ProfileChanges): string[] {
  const changed: string[] = [];
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (field === 'name' || field === 'enterprise') {
      const current = member[field] as unknown as Record<string, unknown>;
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        if (inner !== undefined && !same(current[key], inner)) changed.push(`${field}.${key}`);
      }
    } else if (!same(member[field as keyof Member], value)) {
      changed.push(field);
    }
  }
  return changed;
}
