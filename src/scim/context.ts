import type { Knex } from 'knex';
import type { ExpectedVersion } from '../org/organizations/versions.js';
import type { ScimCaller } from './auth.js';

type Json = Record<string, unknown>;

/** What a SCIM write needs besides its input: the database, the base URL and the caller. */
export interface ScimContext {
  db: Knex;
  baseUrl: string;
  caller: ScimCaller;
}

/** The outcome of a write, before projection: shared by the routes and /Bulk. */
export interface WriteResult {
  status: number;
  resource?: Json;
  id?: string;
  version?: number;
}

/** Create, replace, patch and delete of one resource type. */
export interface ResourceWrites {
  create(context: ScimContext, body: unknown): Promise<WriteResult>;
  replace(context: ScimContext, id: string, body: unknown, ifVersion?: ExpectedVersion): Promise<WriteResult>;
  patch(context: ScimContext, id: string, body: unknown, ifVersion?: ExpectedVersion): Promise<WriteResult>;
  remove(context: ScimContext, id: string, ifVersion?: ExpectedVersion): Promise<WriteResult>;
}
