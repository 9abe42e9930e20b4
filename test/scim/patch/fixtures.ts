import assert from 'node:assert/strict';
import { ScimError, type ScimType } from '../../../src/scim/errors.js';
import { parsePatchRequest, ResourcePatcher } from '../../../src/scim/patch.js';
import { declareScimSchemas, groupDefinition, groupSchema, userDefinition, userSchema } from '../../../src/scim/schemas.js';

/**
 * Documents and helpers for the PATCH unit tests (RFC 7644 §3.5.2). Operations go
 * through parsePatchRequest first, as they do in a request, so `op` casing and
 * missing values are treated exactly as on the wire.
 */

// The Roster and enterprise extensions are declared on the User definition here.
declareScimSchemas();

export type Json = Record<string, any>;

export const patchOpSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const roster = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';

export const userId = '5d3c9a4e-1f62-4b8e-9a0c-7e2f41b6d803';
export const groupId = 'a41f0e2b-93c7-4d15-8e6a-0b9f2c7d4e11';
export const memberIds = {
  grace: '0c8e7f21-4a3d-4b9e-b6f0-19d2e5a7c344',
  alan: '7b2f9d10-6e4c-4a81-9f3b-52c0d8e1a975',
  edsger: 'e9a4c6b2-0d1f-4e73-8b25-6f7a3c9d0e18',
  barbara: '3f6d1e8a-b2c9-4057-a1e4-d8c0f7b92a63',
};

/** A User as Roster renders it, with a work and a home email and address. */
export function user(extra: Json = {}): Json {
  return {
    schemas: [userSchema, roster],
    id: userId,
    userName: 'ada@analytical.example',
    name: { formatted: 'Ada Byron', givenName: 'Ada', familyName: 'Byron' },
    title: 'Analyst',
    active: true,
    emails: [
      { value: 'ada@analytical.example', type: 'work', primary: true },
      { value: 'ada@home.example', type: 'home' },
    ],
    addresses: [
      { type: 'work', streetAddress: '12 Engine Row', locality: 'London', country: 'GB' },
      { type: 'home', streetAddress: '3 St James Square', locality: 'London', country: 'GB' },
    ],
    [roster]: { role: 'member', seats: ['chat'] },
    meta: { resourceType: 'User', location: `https://roster.example/scim/v2/Users/${userId}` },
    ...extra,
  };
}

/** A Group with Grace and Alan as members. */
export function group(extra: Json = {}): Json {
  return {
    schemas: [groupSchema],
    id: groupId,
    displayName: 'Compilers',
    members: [
      { value: memberIds.grace, display: 'Grace Hopper' },
      { value: memberIds.alan, display: 'Alan Turing' },
    ],
    ...extra,
  };
}

const message = (operations: unknown[]) => ({ schemas: [patchOpSchema], Operations: operations });

/** Applies raw PATCH operations to a User document; the document given is left as it was. */
export function patchUser(document: Json, ...operations: unknown[]): Json {
  return new ResourcePatcher(userDefinition, userSchema, userId).apply(structuredClone(document), parsePatchRequest(message(operations)));
}

/** Applies raw PATCH operations to a Group document through the same patcher. */
export function patchGroup(document: Json, ...operations: unknown[]): Json {
  return new ResourcePatcher(groupDefinition, groupSchema, groupId).apply(structuredClone(document), parsePatchRequest(message(operations)));
}

/** Runs `action`, which must fail with a SCIM 400 of the given scimType; returns the error for more checks. */
export function refused(action: () => unknown, scimType: ScimType): ScimError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ScimError, `expected a ScimError, got ${caught === undefined ? 'success' : String(caught)}`);
  assert.equal(caught.status, 400, caught.message);
  assert.equal(caught.scimType, scimType, caught.message);
  return caught;
}

export const idsOf = (members: Json[] | undefined) => (members ?? []).map((member) => member.value as string);
