import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { inTransaction } from '../../src/db/transaction.js';
import { createLogger } from '../../src/log.js';
import { createOperatorSignInLink } from '../../src/sso/sign-in.service.js';
import { db } from './database.js';
import { publicUrl, testConfig } from './scim.js';

export const origin = new URL(publicUrl).origin;

/** The app for sign-in tests, on the test database. */
export function authApp(config: Partial<Config> = {}): Express {
  return createApp({ config: testConfig(config), knex: db(), logger: createLogger('silent'), checkApiResponses: true });
}

/** The sign-in link in the newest mail to `email` (as the recipient would click it). */
export async function linkMailedTo(email: string): Promise<{ url: string; token: string }> {
  const mail = await db()('mail_outbox').where({ to_address: email }).orderBy('created_at', 'desc').orderBy('id', 'desc').first();
  if (!mail) throw new Error(`no mail to ${email}`);
  const url = /https?:\/\/\S+\/auth\/email\/verify\?token=\S+/.exec(mail.text_body as string)?.[0];
  if (!url) throw new Error(`no sign-in link in the mail to ${email}`);
  return { url, token: decodeURIComponent(new URL(url).searchParams.get('token')!) };
}

/** Follows a sign-in link as an API client does (Accept: application/json). */
export function followLink(app: Express, token: string) {
  return request(app)
    .get(`/auth/email/verify?token=${encodeURIComponent(token)}`)
    .set('Accept', 'application/json');
}

/** A session token for an existing member, the way an operator lets someone in (roster login-link). */
export async function sessionFor(app: Express, organizationId: string, email: string): Promise<string> {
  const link = await inTransaction(db(), (tx) => createOperatorSignInLink(tx, { organizationId, email, publicUrl }));
  const response = await followLink(app, decodeURIComponent(new URL(link.url).searchParams.get('token')!)).expect(200);
  return response.body.token as string;
}

/** A caller of /api/v1 with a session token: `as(token).post('/domains', body)`. */
export function apiClient(app: Express, token: string) {
  const withToken = (test: request.Test) => test.set('Authorization', `Bearer ${token}`);
  return {
    get: (path: string) => withToken(request(app).get(`/api/v1${path}`)),
    post: (path: string, body?: unknown) => withToken(request(app).post(`/api/v1${path}`)).send((body ?? {}) as object),
    put: (path: string, body?: unknown) => withToken(request(app).put(`/api/v1${path}`)).send((body ?? {}) as object),
    patch: (path: string, body: unknown) => withToken(request(app).patch(`/api/v1${path}`)).send(body as object),
    delete: (path: string, body?: unknown) =>
      body === undefined ? withToken(request(app).delete(`/api/v1${path}`)) : withToken(request(app).delete(`/api/v1${path}`)).send(body as object),
  };
}
