import assert from 'node:assert/strict';
import { samlSettingsSupport } from '../../src/sso/saml/settings-support.js';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import express, { type Router } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { createTxtLookup } from '../../src/dns/txt-resolver.js';
import { renderError } from '../../src/http/errors.js';
import type { ErrorStatus } from '../../src/http/openapi.js';
import { apiBasePath, defineRoute, errorSchema, mountRoutes } from '../../src/api/registry.js';
import { apiRoutes } from '../../src/api/router.js';
import { authOperations } from '../../src/sso/auth.openapi.js';
import { authRoutes } from '../../src/sso/auth.routes.js';
import { invitationAcceptRoutes } from '../../src/sso/invitations.routes.js';
import { cookieSettingsFor } from '../../src/http/session-auth.js';
import { SessionTokens } from '../../src/http/session-tokens.js';
import { apiClient, authApp, followLink, linkMailedTo, origin, sessionFor } from '../support/auth.js';
import { db } from '../support/database.js';
import { makeOrganization, unique } from '../support/factories.js';
import { invitationMailedTo } from '../support/invitations.js';
import { publicUrl } from '../support/scim.js';

type Document = {
  openapi: string;
  servers: { url: string }[];
  paths: Record<
    string,
    Record<
      string,
      {
        operationId?: string;
        summary?: string;
        tags?: string[];
        security?: Record<string, unknown>[];
        responses: Record<string, unknown>;
        requestBody?: { content: Record<string, { schema: unknown }> };
      }
    >
  >;
  components: { securitySchemes: Record<string, unknown> };
};

function operationsOf(document: Document) {
  return Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
}

/** Every `$ref` in the document, with where it was found. */
function refsIn(value: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => refsIn(item, `${at}/${index}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [{ at, ref: inner }] : refsIn(inner, `${at}/${key}`)));
}

/** What a JSON pointer (`#/components/schemas/Member`) names in the document, if anything. */
function resolve(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), document);
}

/** The routes an Express router serves: `post /email`. */
function servedBy(router: Router, prefix: string): string[] {
  return router.stack.flatMap((layer) =>
    layer.route
      ? Object.keys((layer.route as unknown as { methods: Record<string, boolean> }).methods).map((method) => `${method} ${prefix}${layer.route!.path}`)
      : [],
  );
}

/** Fails unless `response` is one of the answers the operation describes, body and all. */
function assertDescribed(operationId: string, response: request.Response): void {
  const operation = authOperations.find((candidate) => candidate.operationId === operationId);
  assert.ok(operation, operationId);
  const declared = operation.responses[response.status];
  if (!declared) {
    assert.ok(operation.errors.includes(response.status as ErrorStatus), `${operationId} answered ${response.status}, which it does not describe`);
    errorSchema.parse(response.body);
    return;
  }
  if (response.status >= 300 && response.status < 400) {
    // A redirect's body is only Express's courtesy note; what counts is Location.
    assert.ok(response.headers.location, `${operationId} ${response.status} says where to go`);
  } else if (response.type === 'application/json') {
    assert.ok(declared.json, `${operationId} ${response.status} describes no JSON body`);
    // Parsing strips what the schema does not name, so an answer with extra fields fails here too.
    assert.deepEqual(declared.json.parse(response.body), response.body, `${operationId} ${response.status} answers its schema`);
  } else if (response.type) {
    assert.equal(response.type, declared.text, `${operationId} ${response.status} media type`);
  } else {
    assert.equal(declared.json ?? declared.text, undefined, `${operationId} ${response.status} has no body`);
  }
}

describe('/api/v1/openapi.json', () => {
  let app: ReturnType<typeof authApp>;
  let document: Document;
  before(async () => {
    app = authApp();
    document = (await request(app).get('/api/v1/openapi.json').expect(200)).body;
  });

  it('describes every route the API serves, with its schemas, and every described route is served', async () => {
    assert.equal(document.openapi, '3.1.0');
    assert.equal(document.servers[0]!.url, publicUrl);
    const routes = apiRoutes({ db: db(), publicUrl, lookupTxt: createTxtLookup(), saml: samlSettingsSupport(), invitationRateLimit: 0 });
    const described = operationsOf(document)
      .filter(({ path }) => path.startsWith(`${apiBasePath}/`))
      .map(({ method, path }) => `${method} ${path}`);
    assert.deepEqual(described.sort(), routes.map((route) => `${route.method} ${apiBasePath}${route.path}`).sort());
    for (const route of routes) {
      const operation = document.paths[`${apiBasePath}${route.path}`]![route.method]!;
      assert.ok(operation.responses[route.response.status], `${route.method} ${route.path} documents its success`);
      if (route.body) assert.ok(operation.requestBody?.content['application/json']?.schema, `${route.method} ${route.path} documents its body`);
    }

    // Each described route answers (with whatever its input deserves), never "no such endpoint".
    const org = await makeOrganization();
    const token = await sessionFor(app, org.id, org.admin.userName);
    for (const route of routes) {
      const path = route.path.replace(/\{\w+\}/g, crypto.randomUUID());
      const response = await request(app)[route.method](`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send({});
      assert.notEqual(response.body?.error?.code, 'route_not_found', `${route.method} ${route.path}`);
    }
  });

  it('names every operation (a unique camelCase operationId), sums it up, tags it and says which credentials it takes', () => {
    const operations = operationsOf(document);
    const ids = operations.map(({ operation }) => operation.operationId);
    for (const { method, path, operation } of operations) {
      const where = `${method} ${path}`;
      assert.match(operation.operationId ?? '', /^[a-z][a-zA-Z0-9]*$/, `${where} operationId`);
      assert.ok(operation.summary?.trim(), `${where} summary`);
      assert.equal(operation.tags?.length, 1, `${where} tag`);
      assert.ok(Array.isArray(operation.security), `${where} security`);
      for (const requirement of operation.security!)
        for (const scheme of Object.keys(requirement)) assert.ok(document.components.securitySchemes[scheme], `${where}: ${scheme}`);
    }
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  });

  it('leaves no reference dangling: every $ref points into the document itself, zod’s $defs lifted into components', () => {
    const refs = refsIn(document);
    assert.ok(refs.length > 50, 'shared schemas and responses are referenced, not copied');
    for (const { at, ref } of refs) assert.ok(resolve(document, ref) !== undefined, `${at}: ${ref} resolves`);
    assert.doesNotMatch(JSON.stringify(document), /\$defs|"\$schema"/);
  });

  it('is a valid OpenAPI 3.1 document to Swagger Parser too (it resolves every reference and checks the structure)', async () => {
    await SwaggerParser.validate(structuredClone(document) as never);
  });

  it('is the document `roster openapi` prints without a database, which the build types the console from', async () => {
    const cli = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
    // Nothing listens on port 1: the command would fail if it tried to reach the database.
    const env = { PATH: process.env.PATH, PUBLIC_URL: publicUrl, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' };
    const printed = await promisify(execFile)(process.execPath, [cli, 'openapi'], { env, maxBuffer: 16 * 1024 * 1024 });
    assert.deepEqual(JSON.parse(printed.stdout), document);
  });

  it('describes exactly the /auth routes the sign-in and invitation routers serve', () => {
    const options = {
      db: db(),
      tokens: new SessionTokens(db(), publicUrl, 60_000),
      cookies: cookieSettingsFor(publicUrl, 60_000),
      publicUrl,
      sessionMaxAgeMs: 60_000,
      signInRateLimit: 0,
    };
    const served = [...servedBy(authRoutes(options), '/auth'), ...servedBy(invitationAcceptRoutes(options), '/auth/invitations')];
    const described = operationsOf(document)
      .filter(({ path }) => path.startsWith('/auth/'))
      .map(({ method, path }) => `${method} ${path}`);
    assert.deepEqual(described.sort(), served.sort());
    assert.deepEqual(authOperations.map(({ method, path }) => `${method} ${path}`).sort(), served.sort());
  });

  it('answers /auth requests only as the document describes them: sign-in by link, the session, refresh, sign-out, joining', async () => {
    const org = await makeOrganization();
    const email = org.admin.userName;
    assertDescribed('requestEmailSignIn', await request(app).post('/auth/email').send({ email, organizationId: org.id }).expect(202));
    assertDescribed('requestEmailSignIn', await request(app).post('/auth/email').send({ email, extra: true }).expect(400));
    const { token: firstLink } = await linkMailedTo(email);
    assertDescribed(
      'followSignInLink',
      await request(app)
        .get(`/auth/email/verify?token=${encodeURIComponent(firstLink)}`)
        .set('Accept', 'text/html')
        .expect(200),
    );
    const signedIn = await followLink(app, firstLink).expect(200);
    assertDescribed('followSignInLink', signedIn);
    assertDescribed('followSignInLink', await followLink(app, firstLink).expect(401));

    await request(app).post('/auth/email').type('form').send({ email, organizationId: org.id }).expect(202);
    const { token: secondLink } = await linkMailedTo(email);
    const browser = await request(app).post('/auth/email/verify').type('form').set('Origin', origin).send({ token: secondLink }).expect(303);
    assertDescribed('completeEmailSignIn', browser);
    assert.ok(browser.headers['set-cookie'], 'a browser gets the session cookie');

    const bearer = `Bearer ${signedIn.body.token}`;
    assertDescribed('getCurrentSession', await request(app).get('/auth/session').set('Authorization', bearer).expect(200));
    assertDescribed('getCurrentSession', await request(app).get('/auth/session').expect(401));
    assertDescribed('refreshSessionToken', await request(app).post('/auth/refresh').set('Authorization', bearer).expect(200));

    const invitee = `${unique('invitee')}@example.test`;
    await apiClient(app, signedIn.body.token)
      .post('/invitations', { emails: [invitee], role: 'billing', seats: [] })
      .expect(201);
    const { token: invitation } = await invitationMailedTo(invitee);
    await request(app).post('/auth/email').send({ email: invitee }).expect(202);
    const invitedSession = (await followLink(app, (await linkMailedTo(invitee)).token).expect(200)).body.token as string;
    assertDescribed(
      'acceptInvitation',
      await request(app).post('/auth/invitations/accept').set('Authorization', `Bearer ${invitedSession}`).send({ token: invitation }).expect(200),
    );
    assertDescribed(
      'acceptInvitation',
      await request(app)
        .post('/auth/invitations/accept')
        .set('Authorization', `Bearer ${invitedSession}`)
        .send({ token: invitation })
        .expect((response) => assert.ok(response.status >= 400)),
    );

    assertDescribed('signOut', await request(app).post('/auth/logout').set('Authorization', bearer).expect(204));
  });

  it('fails loudly when a route answers outside its declared schema (every API test checks its answers this way)', async () => {
    const router = express.Router();
    router.use((_req, res, next) => {
      res.locals.session = {
        sessionId: 's',
        accountId: 'a',
        email: 'a@x.test',
        organizationId: 'o',
        memberId: 'm',
        role: 'admin',
        sessionExpiresAt: new Date(),
        viaCookie: false,
      };
      next();
    });
    mountRoutes(
      router,
      [
        defineRoute({
          method: 'get',
          path: '/drift',
          operationId: 'drift',
          summary: 'drifts',
          tag: 'Test',
          roles: ['admin'],
          response: { status: 200, schema: z.object({ id: z.string() }) },
          handle: async () => ({ id: 42 }),
        }),
      ],
      { checkResponses: true },
    );
    const test = express().use(router).use(renderError);
    assert.equal((await request(test).get('/drift').expect(500)).body.error.code, 'internal_error');
  });
});
