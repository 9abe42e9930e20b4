import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { createTxtLookup } from '../../src/dns/txt-resolver.js';
import { renderError } from '../../src/http/errors.js';
import { defineRoute, mountRoutes } from '../../src/api/registry.js';
import { apiRoutes } from '../../src/api/router.js';
import { authApp, sessionFor } from '../support/auth.js';
import { db } from '../support/database.js';
import { makeOrganization } from '../support/factories.js';
import { publicUrl } from '../support/scim.js';

describe('/api/v1/openapi.json', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });

  it('describes every route the API serves, with its schemas, and every described route is served', async () => {
    const document = (await request(app).get('/api/v1/openapi.json').expect(200)).body;
    assert.equal(document.openapi, '3.1.0');
    assert.equal(document.servers[0].url, `${publicUrl}/api/v1`);
    const routes = apiRoutes({ db: db(), publicUrl, lookupTxt: createTxtLookup(), invitationRateLimit: 0 });
    const described = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`));
    assert.deepEqual(described.sort(), routes.map((route) => `${route.method} ${route.path}`).sort());
    for (const route of routes) {
      const operation = document.paths[route.path][route.method];
      assert.ok(operation.responses[route.response.status], `${route.method} ${route.path} documents its success`);
      if (route.body) assert.ok(operation.requestBody.content['application/json'].schema, `${route.method} ${route.path} documents its body`);
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

  it('fails loudly when a route answers outside its declared schema (every API test checks its answers this way)', async () => {
    const router = express.Router();
    router.use((_req, res, next) => {
      res.locals.session = { sessionId: 's', accountId: 'a', email: 'a@x.test', organizationId: 'o', memberId: 'm', role: 'admin', sessionExpiresAt: new Date(), viaCookie: false };
      next();
    });
    mountRoutes(
      router,
      [defineRoute({ method: 'get', path: '/drift', summary: 'drifts', tag: 'Test', roles: ['admin'], response: { status: 200, schema: z.object({ id: z.string() }) }, handle: async () => ({ id: 42 }) })],
      { checkResponses: true },
    );
    const test = express().use(router).use(renderError);
    assert.equal((await request(test).get('/drift').expect(500)).body.error.code, 'internal_error');
  });
});
