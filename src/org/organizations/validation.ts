import { InvalidInputError } from '../../errors.js';
import { organizationRoles, type OrganizationRole } from './types.js';
import { workspaceRoles, type WorkspaceRole } from '../workspaces/types.js';

/** Input rules shared by the services; every adapter reaches them, so no adapter can skip them. */

const maxTextLength = 1024;

export function requireText(field: string, value: unknown, max = maxTextLength): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidInputError('invalid_value', `${field} is required and must be a non-empty string`, { field });
  }
  const trimmed = value.trim();
  if (trimmed.length > max) throw new InvalidInputError('invalid_value', `${field} must be at most ${max} characters`, { field });
  return trimmed;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function requireEmail(field: string, value: unknown): string {
  const email = requireText(field, value, 320);
  if (!emailPattern.test(email)) throw new InvalidInputError('invalid_email', `${field} must be an email address`, { field });
  return email;
}

/** Product names are identifiers that billing and SCIM use: `chat`, `code`, `api`. */
const productPattern = /^[a-z][a-z0-9_-]{0,39}$/;

export function requireProduct(value: unknown): string {
  if (typeof value !== 'string' || !productPattern.test(value)) {
    throw new InvalidInputError('invalid_product', 'A product name is 1 to 40 lower-case letters, digits, "-" or "_", starting with a letter', {
      product: value,
    });
  }
  return value;
}

export function requireSeatLimit(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10_000_000) {
    throw new InvalidInputError('invalid_seat_limit', 'A seat limit is a whole number from 0 to 10,000,000', { limit: value });
  }
  return value;
}

export function requireOrganizationRole(value: unknown): OrganizationRole {
  if (!organizationRoles.includes(value as OrganizationRole)) {
    throw new InvalidInputError('invalid_role', `A role is one of ${organizationRoles.join(', ')}`, { role: value });
  }
  return value as OrganizationRole;
}

export function requireWorkspaceRole(value: unknown): WorkspaceRole {
  if (!workspaceRoles.includes(value as WorkspaceRole)) {
    throw new InvalidInputError('invalid_workspace_role', `A workspace role is one of ${workspaceRoles.join(', ')}`, { role: value });
  }
  return value as WorkspaceRole;
}
