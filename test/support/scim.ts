import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import request from 'supertest';
import { Writable } from 'node:stream';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createScimToken } from '../../src/org/credentials/credentials.service.js';
import { createLogger } from '../../src/log.js';
import { db } from './database.js';
import { makeOrganization, system, tx, type TestOrganization } from './factories.js';

export const publicUrl = 'https://roster.example.test';
export const scimJson = 'application/scim+json';

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ PUBLIC_URL: publicUrl, SCIM_RATE_LIMIT: '0', SIGN_IN_RATE_LIMIT: '0', INVITATION_RATE_LIMIT: '0' }), ...overrides };
}

let sharedApp: Express | undefined;

/** The app on the test database, built once: each test brings its own Organization and token. */
export function scimApp(config?: Partial<Config>): Express {
  if (config) return createApp({ config: testConfig(config), knex: db(), logger: createLogger('silent', silent) });
  sharedApp ??= createApp({ config: testConfig(), knex: db(), logger: createLogger('silent', silent) });
  return sharedApp;
}

export interface ScimClient {
  org: TestOrganization;
  token: string;
  get(path: string): request.Test;
  post(path: string, body?: unknown): request.Test;
  put(path: string, body: unknown): request.Test;
  patch(path: string, body: unknown): request.Test;
  delete(path: string): request.Test;
}

/** A fresh Organization, its SCIM token, and requests that carry it the way an IdP does. */
export async function scimClient(app: Express = scimApp()): Promise<ScimClient> {
  const org = await makeOrganization();
  const { token } = await tx((t) => createScimToken(t, system, org.id, 'IdP'));
  const auth = (test: request.Test) => test.set('Authorization', `Bearer ${token}`);
  const withBody = (test: request.Test, body: unknown) =>
    body === undefined ? auth(test) : auth(test).set('Content-Type', scimJson).send(JSON.stringify(body));
  return {
    org,
    token,
    get: (path) => auth(request(app).get(`/scim/v2${path}`)),
    post: (path, body) => withBody(request(app).post(`/scim/v2${path}`), body),
    put: (path, body) => withBody(request(app).put(`/scim/v2${path}`), body),
    patch: (path, body) => withBody(request(app).patch(`/scim/v2${path}`), body),
    delete: (path) => auth(request(app).delete(`/scim/v2${path}`)),
  };
}

export const patchOp = (...operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });

export function newUser(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...extra,
  };
}

/** A recorded IdP request body from test/fixtures, with its {{placeholders}} filled in. */
export function fixture(name: string, values: Record<string, string> = {}): unknown {
  const text = readFileSync(new URL(`../../../test/fixtures/${name}.json`, import.meta.url), 'utf8');
  const filled = text.replace(/\{\{(\w+)\}\}/g, (_match, key: string) => {
    if (!(key in values)) throw new Error(`fixture ${name} needs a value for {{${key}}}`);
    return values[key]!;
  });
  return JSON.parse(filled);
}
