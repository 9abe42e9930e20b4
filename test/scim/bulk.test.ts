import assert from 'node:assert/strict';
import { countRows, unique } from '../support/factories.js';
import { newUser, patchOp, scimClient } from '../support/scim.js';

const bulk = (operations: unknown[], failOnErrors?: number) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
  ...(failOnErrors !== undefined ? { failOnErrors } : {}),
  Operations: operations,
});

describe('SCIM /Bulk (RFC 7644 §3.7)', () => {
  it('creates users and a group that refers to them by bulkId, in any order', async () => {
    const idp = await scimClient();
    const response = await idp
      .post(
        '/Bulk',
        bulk([
          { method: 'POST', path: '/Groups', bulkId: 'g', data: { displayName: 'Bulk team', members: [{ value: 'bulkId:a' }, { value: 'bulkId:b' }] } },
          { method: 'POST', path: '/Users', bulkId: 'a', data: newUser(`${unique('a')}@example.com`) },
          { method: 'POST', path: '/Users', bulkId: 'b', data: newUser(`${unique('b')}@example.com`) },
        ]),
      )
      .expect(200);
    assert.deepEqual(response.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
    const results = response.body.Operations as Array<{ bulkId: string; status: string; location: string }>;
    assert.deepEqual(
      results.map((result) => [result.bulkId, result.status]),
      [
        ['g', '201'],
        ['a', '201'],
        ['b', '201'],
      ],
    );
    const group = (await idp.get(`/Groups/${results[0]!.location.split('/').pop()}`).expect(200)).body;
    assert.equal(group.members.length, 2);
  });

  it('runs each operation on its own: a failure is reported and the others apply', async () => {
    const idp = await scimClient();
    const user = (await idp.post('/Users', newUser(`${unique('u')}@example.com`)).expect(201)).body;
    const response = await idp
      .post(
        '/Bulk',
        bulk([
          { method: 'POST', path: '/Users', bulkId: 'dup', data: newUser(user.userName) },
          { method: 'PATCH', path: `/Users/${user.id}`, data: patchOp({ op: 'replace', path: 'title', value: 'Bulk' }) },
          { method: 'PATCH', path: `/Users/${user.id}`, version: 'W/"1"', data: patchOp({ op: 'replace', path: 'title', value: 'Stale' }) },
          { method: 'DELETE', path: '/Users/01a20000-0000-7000-8000-000000000000' },
        ]),
      )
      .expect(200);
    const statuses = response.body.Operations.map((result: { status: string }) => result.status);
    assert.deepEqual(statuses, ['409', '200', '412', '404']);
    assert.equal(response.body.Operations[0].response.scimType, 'uniqueness');
    assert.equal((await idp.get(`/Users/${user.id}`).expect(200)).body.title, 'Bulk');
  });

  it('stops after failOnErrors failures', async () => {
    const idp = await scimClient();
    const response = await idp
      .post(
        '/Bulk',
        bulk(
          [
            { method: 'DELETE', path: '/Users/01a20000-0000-7000-8000-000000000000' },
            { method: 'POST', path: '/Users', bulkId: 'late', data: newUser(`${unique('late')}@example.com`) },
          ],
          1,
        ),
      )
      .expect(200);
    assert.equal(response.body.Operations.length, 1);
    assert.equal(await countRows('members', { organization_id: idp.org.id }), 1);
  });

  it('refuses more operations than advertised with 413, and unresolvable or malformed requests clearly', async () => {
    const idp = await scimClient();
    const tooMany = Array.from({ length: 1001 }, (_, index) => ({ method: 'DELETE', path: `/Users/x${index}` }));
    assert.equal((await idp.post('/Bulk', bulk(tooMany)).expect(413)).body.status, '413');
    assert.equal((await idp.post('/Bulk', bulk([])).expect(400)).body.scimType, 'invalidSyntax');
    assert.equal((await idp.post('/Bulk', bulk([{ method: 'POST', path: '/Users', data: {} }])).expect(400)).body.scimType, 'invalidSyntax');
    const dangling = await idp
      .post('/Bulk', bulk([{ method: 'POST', path: '/Groups', bulkId: 'g', data: { displayName: 'x', members: [{ value: 'bulkId:nobody' }] } }]))
      .expect(200);
    assert.equal(dangling.body.Operations[0].status, '400');
    const wrongPath = await idp.post('/Bulk', bulk([{ method: 'PUT', path: '/Users', data: {} }])).expect(200);
    assert.equal(wrongPath.body.Operations[0].response.scimType, 'invalidPath');
  });
});
