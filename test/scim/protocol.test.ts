import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import knexFactory from 'knex';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { createScimToken, revokeScimToken } from '../../src/org/credentials/credentials.service.js';
import { createLogger } from '../../src/log.js';
import { deleteOrganization } from '../../src/org/organizations/organizations.service.js';
import { db } from '../support/database.js';
import { countRows, makeOrganization, system, tx, unique } from '../support/factories.js';
import { newUser, scimApp, scimClient, testConfig } from '../support/scim.js';

const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe('SCIM protocol: authentication, errors and discovery', () => {
  describe('bearer tokens', () => {
    it('answers 401 in the SCIM error schema for a missing, malformed, unknown or revoked token', async () => {
      const org = await makeOrganization();
      const { token, scimToken } = await tx((t) => createScimToken(t, system, org.id));
      await tx((t) => revokeScimToken(t, system, org.id, scimToken.id));
      const app = scimApp();
      for (const header of [undefined, 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'Bearer roster_scim_unknown', `Bearer ${token}`]) {
        const test = request(app).get('/scim/v2/Users');
        const response = await (header ? test.set('Authorization', header) : test).expect(401);
        assert.deepEqual(response.body.schemas, [errorSchema], String(header));
        assert.equal(response.body.status, '401');
        assert.match(String(response.headers['www-authenticate']), /^Bearer/);
      }
    });

    it('stops a revoked token on the next request even right after it was used, and after its Organization is deleted', async () => {
      const app = scimApp({ scimTokenCacheMs: 60_000 });
      const org = await makeOrganization();
      const { token, scimToken } = await tx((t) => createScimToken(t, system, org.id));
      const send = () => request(app).get('/scim/v2/Users?count=1').set('Authorization', `Bearer ${token}`);
      await send().expect(200);
      await tx((t) => revokeScimToken(t, system, org.id, scimToken.id));
      await send().expect(401);

      const gone = await makeOrganization();
      const { token: goneToken } = await tx((t) => createScimToken(t, system, gone.id));
      await request(app).get('/scim/v2/Users?count=1').set('Authorization', `Bearer ${goneToken}`).expect(200);
      await tx((t) => deleteOrganization(t, system, gone.id));
      await request(app).get('/scim/v2/Users?count=1').set('Authorization', `Bearer ${goneToken}`).expect(401);
    });

    it('honours a token revoked by another instance for at most SCIM_TOKEN_CACHE_MS, and not at all with 0', async () => {
      const org = await makeOrganization();
      // Another instance revokes: the row changes behind this process's back.
      const revokeElsewhere = (id: string) => db()('scim_tokens').where({ id }).update({ revoked_at: db().fn.now() });

      const cached = scimApp({ scimTokenCacheMs: 300 });
      const first = await tx((t) => createScimToken(t, system, org.id));
      await request(cached).get('/scim/v2/Users?count=1').set('Authorization', `Bearer ${first.token}`).expect(200);
      await revokeElsewhere(first.scimToken.id);
      await new Promise((resolve) => setTimeout(resolve, 350));
      await request(cached).get('/scim/v2/Users?count=1').set('Authorization', `Bearer ${first.token}`).expect(401);

      const uncached = scimApp({ scimTokenCacheMs: 0 });
      const second = await tx((t) => createScimToken(t, system, org.id));
      await request(uncached).get('/scim/v2/Users?count=1').set('Authorization', `Bearer ${second.token}`).expect(200);
      await revokeElsewhere(second.scimToken.id);
      await request(uncached).get('/scim/v2/Users?count=1').set('Authorization', `Bearer ${second.token}`).expect(401);
    });

    it('accepts two active tokens at once for rotation, each for its own Organization only', async () => {
      const idp = await scimClient();
      const { token: second } = await tx((t) => createScimToken(t, system, idp.org.id, 'rotation'));
      await idp.get('/Users?count=1').expect(200);
      const mine = await request(scimApp()).get(`/scim/v2/Users/${idp.org.admin.id}`).set('Authorization', `Bearer ${second}`).expect(200);
      assert.equal(mine.body.id, idp.org.admin.id);
      const other = await scimClient();
      await other.get(`/Users/${idp.org.admin.id}`).expect(404);
      const row = await db()('scim_tokens').where({ organization_id: idp.org.id }).whereNotNull('last_used_at');
      assert.equal(row.length, 2, 'last_used_at is recorded for both tokens');
    });

    it('answers 429 with Retry-After once a token exceeds its per-minute limit', async () => {
      const app = scimApp({ scimRateLimit: 3 });
      const org = await makeOrganization();
      const { token } = await tx((t) => createScimToken(t, system, org.id));
      const send = () => request(app).get('/scim/v2/Users?count=1').set('Authorization', `Bearer ${token}`);
      const statuses = [];
      for (let index = 0; index < 5; index++) statuses.push((await send()).status);
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      const limited = await send();
      assert.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60);
      assert.deepEqual(limited.body.schemas, [errorSchema]);
      assert.equal(limited.body.status, '429');
    });
  });

  describe('errors', () => {
    it('answers 503 with Retry-After in the SCIM schema when the database is unreachable, never 404 or HTML', async () => {
      const unreachable = knexFactory({
        client: 'pg',
        connection: 'postgres://postgres@127.0.0.1:1/none',
        pool: { min: 0, max: 1 },
        acquireConnectionTimeout: 2000,
      });
      try {
        const app = createApp({ config: testConfig(), knex: unreachable, logger: createLogger('silent') });
        const response = await request(app).get('/scim/v2/Users').set('Authorization', 'Bearer roster_scim_anything').expect(503);
        assert.equal(response.headers['retry-after'], '5');
        assert.deepEqual(response.body.schemas, [errorSchema]);
      } finally {
        await unreachable.destroy();
      }
    });

    it('answers unknown endpoints with 404 and oversized bodies with 413, in the SCIM schema', async () => {
      const idp = await scimClient();
      const missing = await idp.get('/Widgets').expect(404);
      assert.deepEqual(missing.body.schemas, [errorSchema]);
      const huge = await idp.post('/Users', newUser(`${unique('big')}@example.com`, { nickName: 'x'.repeat(9 * 1024 * 1024) })).expect(413);
      assert.equal(huge.body.status, '413');
    });

    it('never writes the bearer token to the log', async () => {
      const lines: string[] = [];
      const stream = new Writable({ write: (chunk, _encoding, done) => (lines.push(chunk.toString()), done()) });
      const app = createApp({ config: testConfig(), knex: db(), logger: createLogger('debug', stream) });
      const org = await makeOrganization();
      const { token } = await tx((t) => createScimToken(t, system, org.id));
      await request(app)
        .get('/scim/v2/Users?filter=userName%20eq%20%22x%22')
        .set('Authorization', `Bearer ${token}`)
        .set('X-Request-Id', 'trace-123')
        .expect(200);
      await request(app)
        .post('/scim/v2/Users')
        .set('Authorization', `Bearer ${token}`)
        .send({ userName: { not: 'a string' } })
        .expect(400);
      const log = lines.join('');
      assert.ok(log.includes('trace-123'), 'lines carry the request id');
      assert.ok(!log.includes(token) && !log.includes(token.slice(12)), 'the token is not in the log');
    });
  });

  describe('discovery', () => {
    it('tells the truth in ServiceProviderConfig: what is supported and the limits enforced', async () => {
      const idp = await scimClient();
      const config = (await idp.get('/ServiceProviderConfig').expect(200)).body;
      assert.deepEqual(
        [config.patch.supported, config.bulk, config.filter, config.sort.supported, config.etag.supported, config.changePassword.supported],
        [true, { supported: true, maxOperations: 1000, maxPayloadSize: 8388608 }, { supported: true, maxResults: 1000 }, true, true, false],
      );
      assert.deepEqual(config.pagination, { cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: 100, maxPageSize: 1000 });
      assert.equal(config.authenticationSchemes[0].type, 'oauthbearertoken');
      assert.equal(config.meta.location, 'https://roster.example.test/scim/v2/ServiceProviderConfig');
    });

    it('lists the User and Group resource types and their schemas, including the Roster extension', async () => {
      const idp = await scimClient();
      const types = (await idp.get('/ResourceTypes').expect(200)).body;
      assert.deepEqual(
        types.Resources.map((type: { id: string }) => type.id),
        ['User', 'Group'],
      );
      const user = (await idp.get('/ResourceTypes/User').expect(200)).body;
      assert.deepEqual(
        user.schemaExtensions.map((extension: { schema: string }) => extension.schema),
        ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'urn:ietf:params:scim:schemas:extension:roster:2.0:User'],
      );
      const schemas = (await idp.get('/Schemas').expect(200)).body;
      assert.ok(schemas.Resources.some((schema: { id: string }) => schema.id === 'urn:ietf:params:scim:schemas:extension:roster:2.0:User'));
      const roster = (await idp.get('/Schemas/urn:ietf:params:scim:schemas:extension:roster:2.0:User').expect(200)).body;
      assert.deepEqual(
        roster.attributes.map((attribute: { name: string }) => attribute.name),
        ['role', 'seats'],
      );
      await idp.get('/Schemas/urn:nope').expect(404);
      for (const path of ['/ServiceProviderConfig', '/ResourceTypes/User', '/Schemas']) {
        await idp.put(path, {}).expect(405);
        await idp.delete(path).expect(405);
      }
    });

    it('answers every write to a discovery endpoint with 405 and Allow: GET, whatever the body (RFC 9110 §15.5.6)', async () => {
      const idp = await scimClient();
      const paths = ['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/User', '/Schemas', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User'];
      const bodies: Array<string | undefined> = [undefined, '{}', '{"schemas": ', '\u0000', `{"x":"${'y'.repeat(9 * 1024 * 1024)}"}`];
      for (const path of paths) {
        for (const method of ['post', 'put', 'patch', 'delete'] as const) {
          for (const body of method === 'post' ? bodies : bodies.slice(0, 3)) {
            const test = request(scimApp())[method](`/scim/v2${path}`).set('Authorization', `Bearer ${idp.token}`);
            const response = await (body === undefined ? test : test.set('Content-Type', 'application/scim+json').send(body)).expect(405);
            const label = `${method} ${path} with ${body === undefined ? 'no body' : `${body.length} characters`}`;
            assert.equal(response.headers.allow, 'GET', label);
            assert.deepEqual(response.body.schemas, [errorSchema], label);
            assert.equal(response.body.status, '405', label);
          }
        }
      }
      await idp.get('/ServiceProviderConfig').expect(200);
    });
  });

  describe('resource schemas', () => {
    const core = 'urn:ietf:params:scim:schemas:core:2.0:User';
    const groupCore = 'urn:ietf:params:scim:schemas:core:2.0:Group';

    it('refuses a User or Group whose schemas lack its core schema with 400 invalidValue, and creates nothing', async () => {
      const idp = await scimClient();
      for (const schemas of [['urn:x'], [], [groupCore], 'urn:ietf:params:scim:schemas:core:2.0:User', [7]]) {
        const response = await idp.post('/Users', { ...newUser(`${unique('s')}@example.com`), schemas }).expect(400);
        assert.equal(response.body.scimType, 'invalidValue', JSON.stringify(schemas));
        const group = await idp
          .post('/Groups', { schemas: Array.isArray(schemas) && schemas[0] === groupCore ? [core] : schemas, displayName: unique('G') })
          .expect(400);
        assert.equal(group.body.scimType, 'invalidValue', JSON.stringify(schemas));
      }
      const user = (await idp.post('/Users', newUser(`${unique('s')}@example.com`)).expect(201)).body;
      const group = (await idp.post('/Groups', { schemas: [groupCore], displayName: unique('G') }).expect(201)).body;
      assert.equal(
        (await idp.put(`/Users/${user.id}`, { ...newUser(user.userName, { displayName: 'Changed' }), schemas: ['urn:x'] }).expect(400)).body.scimType,
        'invalidValue',
      );
      assert.equal((await idp.put(`/Groups/${group.id}`, { schemas: [core], displayName: 'Changed' }).expect(400)).body.scimType, 'invalidValue');
      assert.equal((await idp.get(`/Users/${user.id}`).expect(200)).body.displayName, undefined, 'the refused PUT changed nothing');
      assert.notEqual((await idp.get(`/Groups/${group.id}`).expect(200)).body.displayName, 'Changed');
      assert.equal(await countRows('members', { organization_id: idp.org.id }), 2, 'the first Admin and the one valid User');
      assert.equal(await countRows('groups', { organization_id: idp.org.id }), 1);
    });

    it('refuses such a resource in a Bulk operation too, and runs the others', async () => {
      const idp = await scimClient();
      const response = await idp
        .post('/Bulk', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: [
            { method: 'POST', path: '/Users', bulkId: 'bad', data: { ...newUser(`${unique('b')}@example.com`), schemas: ['urn:x'] } },
            { method: 'POST', path: '/Groups', bulkId: 'badGroup', data: { schemas: ['urn:x'], displayName: 'x' } },
            { method: 'POST', path: '/Users', bulkId: 'good', data: newUser(`${unique('g')}@example.com`) },
          ],
        })
        .expect(200);
      assert.deepEqual(
        response.body.Operations.map((operation: { status: string }) => operation.status),
        ['400', '400', '201'],
      );
      assert.equal(response.body.Operations[0].response.scimType, 'invalidValue');
      assert.equal(await countRows('members', { organization_id: idp.org.id }), 2);
      assert.equal(await countRows('groups', { organization_id: idp.org.id }), 0);
    });

    it('accepts extension URNs beside the core schema, in any case, and a body that leaves schemas out', async () => {
      const idp = await scimClient();
      const extensions = [
        core.toUpperCase(),
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
        'urn:ietf:params:scim:schemas:extension:roster:2.0:User',
        'urn:example:extra',
      ];
      await idp.post('/Users', { ...newUser(`${unique('e')}@example.com`), schemas: extensions }).expect(201);
      const { schemas: _left, ...withoutSchemas } = newUser(`${unique('n')}@example.com`);
      await idp.post('/Users', withoutSchemas).expect(201);
    });
  });
});
