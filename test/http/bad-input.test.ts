import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import { apiClient, authApp, sessionFor } from '../support/auth.js';
import { db } from '../support/database.js';
import { countRows, makeOrganization, unique } from '../support/factories.js';
import { newUser, scimClient, scimJson, type ScimClient } from '../support/scim.js';

const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';
const nul = '\u0000';
const loneSurrogate = '\uD800';

/** JSON nested `levels` deep: `{"a":{"a":…}}`, written as text (JSON.stringify would recurse). */
function deeplyNested(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

function assertScimError(body: Record<string, unknown>, status: number, scimType?: string): void {
  assert.deepEqual(body.schemas, [errorSchema]);
  assert.equal(body.status, String(status));
  if (scimType) assert.equal(body.scimType, scimType, String(body.detail));
}

describe('bad input', () => {
  describe('text PostgreSQL cannot store, on /scim/v2', () => {
    let idp: ScimClient;
    beforeEach(async () => {
      idp = await scimClient();
    });

    it('answers a NUL in a body value or an object key with 400 invalidValue, and creates nothing', async () => {
      for (const body of [
        newUser(`a${nul}b@example.test`),
        newUser(`${unique('u')}@example.test`, { name: { givenName: `Ada${nul}` } }),
        newUser(`${unique('u')}@example.test`, { [`nick${nul}Name`]: 'x' }),
        newUser(`${unique('u')}@example.test`, { emails: [{ value: `x${nul}@example.test`, type: 'work' }] }),
      ]) {
        const response = await idp.post('/Users', body).expect(400);
        assertScimError(response.body, 400, 'invalidValue');
      }
      const group = await idp.post('/Groups', { displayName: `G${nul}` }).expect(400);
      assertScimError(group.body, 400, 'invalidValue');
      assert.equal(await countRows('members', { organization_id: idp.org.id }), 1, 'only the first Admin');
      assert.equal(await countRows('groups', { organization_id: idp.org.id }), 0);
    });

    it('answers a NUL in a filter with 400 invalidFilter, sent raw or as a JSON escape', async () => {
      for (const filter of [`userName eq "a${nul}"`, 'userName eq "a\\u0000"', 'userName eq "\\ud800"']) {
        const response = await idp.get(`/Users?filter=${encodeURIComponent(filter)}`).expect(400);
        assertScimError(response.body, 400, 'invalidFilter');
        const searched = await idp.post('/Users/.search', { filter }).expect(400);
        assertScimError(searched.body, 400, 'invalidFilter');
      }
    });

    it('answers a NUL in another query parameter or in the path with 400 invalidValue', async () => {
      assertScimError((await idp.get(`/Users?sortBy=${encodeURIComponent(`userName${nul}`)}`).expect(400)).body, 400, 'invalidValue');
      assertScimError((await idp.get('/Users/%00').expect(400)).body, 400, 'invalidValue');
      assertScimError(
        (await idp.patch(`/Users/${idp.org.admin.id}%00`, { Operations: [{ op: 'replace', path: 'active', value: true }] }).expect(400)).body,
        400,
        'invalidValue',
      );
      assertScimError((await idp.delete('/Groups/x%00').expect(400)).body, 400, 'invalidValue');
    });

    it('refuses a lone surrogate rather than storing it replaced by U+FFFD', async () => {
      const userName = `${unique('s')}@example.test`;
      const response = await idp.post('/Users', newUser(userName, { displayName: `Ada ${loneSurrogate}` })).expect(400);
      assertScimError(response.body, 400, 'invalidValue');
      // A properly paired surrogate (an emoji) is ordinary text.
      const emoji = await idp.post('/Users', newUser(userName, { displayName: 'Ada \uD83D\uDE00' })).expect(201);
      assert.equal(emoji.body.displayName, 'Ada \uD83D\uDE00');
    });

    it('answers JSON nested 10,000 levels deep with 400 invalidSyntax, in a resource and in /Bulk', async () => {
      const deep = await idp
        .post('/Users')
        .set('Content-Type', scimJson)
        .send(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"d@example.test","x":${deeplyNested(10_000)}}`)
        .expect(400);
      assertScimError(deep.body, 400, 'invalidSyntax');
      const bulk = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Users","bulkId":"a","data":${deeplyNested(10_000)}}]}`;
      assertScimError((await idp.post('/Bulk').set('Content-Type', scimJson).send(bulk).expect(400)).body, 400, 'invalidSyntax');
      assert.equal(await countRows('members', { organization_id: idp.org.id }), 1);
    });

    it('answers a value too large for its index (a 1 MB Group externalId) with 400 invalidValue, not 500', async () => {
      const incompressible = Array.from({ length: 1024 * 1024 }, (_, index) => String.fromCharCode(97 + (((index * 7919) ^ (index >> 5)) % 26))).join('');
      const response = await idp.post('/Groups', { displayName: 'Big', externalId: incompressible }).expect(400);
      assertScimError(response.body, 400, 'invalidValue');
      assert.equal(await countRows('groups', { organization_id: idp.org.id }), 0);
    });

    it('refuses a NUL inside a Bulk operation whole, before any operation runs', async () => {
      const response = await idp
        .post('/Bulk', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: [
            { method: 'POST', path: '/Users', bulkId: 'a', data: newUser(`${unique('b')}@example.test`) },
            { method: 'POST', path: '/Users', bulkId: 'b', data: newUser(`b${nul}@example.test`) },
          ],
        })
        .expect(400);
      assertScimError(response.body, 400, 'invalidValue');
      assert.equal(await countRows('members', { organization_id: idp.org.id }), 1, 'not even the first operation ran');
    });
  });

  describe('text PostgreSQL cannot store, on /api/v1 and /auth', () => {
    let app: Express;
    before(() => {
      app = authApp();
    });

    it('answers a NUL in an admin API body, query parameter or path with invalid_request naming where it is', async () => {
      const org = await makeOrganization();
      const session = await sessionFor(app, org.id, org.admin.userName);
      const admin = apiClient(app, session);
      const events = await countRows('audit_events', { organization_id: org.id });

      const body = await admin.post('/workspaces', { name: `W${nul}` }).expect(400);
      assert.equal(body.body.error.code, 'invalid_request');
      assert.deepEqual(body.body.error.details.problems, [{ in: 'body', path: '/name', message: 'contains a NUL character (U+0000), which cannot be stored' }]);
      const key = await admin.post('/workspaces', { name: 'W', [`x${nul}`]: 1 }).expect(400);
      assert.equal(key.body.error.details.problems[0].path, `/x${nul}`);
      const query = await admin.get(`/members?q=${encodeURIComponent(`a${nul}`)}`).expect(400);
      assert.deepEqual(
        query.body.error.details.problems.map((problem: { in: string; path: string }) => [problem.in, problem.path]),
        [['query', '/q']],
      );
      const path = await admin.get(`/members/${org.admin.id}%00`).expect(400);
      assert.equal(path.body.error.details.problems[0].in, 'path');
      const surrogate = await admin.patch('/organization', { name: `Acme ${loneSurrogate}` }).expect(400);
      assert.equal(surrogate.body.error.code, 'invalid_request');
      const deep = await request(app)
        .post('/api/v1/workspaces')
        .set('Authorization', `Bearer ${session}`)
        .set('Content-Type', 'application/json')
        .send(deeplyNested(10_000))
        .expect(400);
      assert.equal(deep.body.error.code, 'invalid_request');

      assert.equal(await countRows('workspaces', { organization_id: org.id }), 1, 'only the default Workspace');
      assert.equal(await countRows('audit_events', { organization_id: org.id }), events);
    });

    it('answers a forged list cursor that spells a NUL with 400 invalid_cursor', async () => {
      const org = await makeOrganization();
      const admin = apiClient(app, await sessionFor(app, org.id, org.admin.userName));
      const cursor = Buffer.from(JSON.stringify([`a${nul}`, org.defaultWorkspace.id]), 'utf8').toString('base64url');
      assert.equal((await admin.get(`/workspaces/${org.defaultWorkspace.id}/members?cursor=${cursor}`).expect(400)).body.error.code, 'invalid_cursor');
    });

    it('answers a NUL in POST /auth/email with 400 before it is counted or mailed', async () => {
      const limited = authApp({ signInRateLimit: 5 });
      const marker = unique('nul');
      const email = `a${nul}${marker}@example.test`;
      for (const send of [
        () => request(limited).post('/auth/email').send({ email }),
        () =>
          request(limited)
            .post('/auth/email')
            .type('form')
            .send(`email=${encodeURIComponent(email)}`),
        () =>
          request(limited)
            .post('/auth/email')
            .send({ email: `${unique('ok')}@example.test`, organizationId: `x${nul}` }),
      ]) {
        const response = await send().expect(400);
        assert.equal(response.body.error.code, 'invalid_request');
      }
      // (The check itself cannot name the address: PostgreSQL refuses a NUL in a query too.)
      assert.equal(Number((await db()('request_rate_limits').where('key', 'like', `%${marker}%`).count({ n: '*' }))[0]!.n), 0, 'not counted');
      assert.equal(Number((await db()('mail_outbox').where('to_address', 'like', `%${marker}%`).count({ n: '*' }))[0]!.n), 0, 'not mailed');
      assert.equal(
        (await request(limited).get('/auth/email/verify?token=%00').set('Accept', 'application/json').expect(400)).body.error.details.problems[0].in,
        'query',
      );
    });
  });

  describe('admin API validation errors', () => {
    it('list every problem with its path (a JSON Pointer) and message', async () => {
      const app = authApp();
      const org = await makeOrganization();
      const admin = apiClient(app, await sessionFor(app, org.id, org.admin.userName));
      const response = await admin.post('/invitations', { emails: ['x'.repeat(321), 'ok@example.test', 7], role: 'owner', colour: 'blue' }).expect(400);
      assert.equal(response.body.error.code, 'invalid_request');
      const problems = response.body.error.details.problems as Array<{ in: string; path: string; message: string }>;
      assert.deepEqual(problems.map((problem) => problem.path).sort(), ['/colour', '/emails/0', '/emails/2', '/role']);
      assert.ok(problems.every((problem) => problem.in === 'body' && problem.message.length > 0));
      assert.match(response.body.error.message, /emails\.0: .*; /);

      const query = await admin.get('/audit-events?limit=0&surprise=1').expect(400);
      assert.deepEqual(query.body.error.details.problems.map((problem: { in: string; path: string }) => `${problem.in} ${problem.path}`).sort(), [
        'query /limit',
        'query /surprise',
      ]);
    });

    it('say which fields an SSO connection lacks instead of "Invalid input"', async () => {
      const app = authApp();
      const org = await makeOrganization();
      const admin = apiClient(app, await sessionFor(app, org.id, org.admin.userName));
      const response = await admin.put('/sso', { idpEntityId: 'https://idp.example.test', certificates: [] }).expect(400);
      const paths = response.body.error.details.problems.map((problem: { path: string }) => problem.path).sort();
      assert.deepEqual(paths, ['/certificates', '/ssoUrl']);
      assert.doesNotMatch(response.body.error.message, /^Invalid input$/);
    });
  });
});
