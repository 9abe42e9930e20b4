import assert from 'node:assert/strict';
import request from 'supertest';
import { whoamiSchema } from '../../src/api/keys.routes.js';
import { suspendMember } from '../../src/org/members/member-changes.service.js';
import { removeMember } from '../../src/org/members/members.service.js';
import { createWorkspace } from '../../src/org/workspaces/workspaces.service.js';
import { apiClient, authApp, sessionFor } from '../support/auth.js';
import { countRows, makeMember, makeOrganization, system, tx, unique } from '../support/factories.js';

describe('/api/v1/api-keys and /api/v1/whoami', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });

  const as = (token: string) => apiClient(app, token);
  const whoamiWithKey = (key: string) => request(app).get('/api/v1/whoami').set('Authorization', `Bearer ${key}`);

  it('lets a member create a key for a Workspace they reach, shows it once, and answers /whoami with it until it is revoked', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const session = as(await sessionFor(app, org.id, member.userName));

    const created = await session.post('/api-keys', { workspaceId: org.defaultWorkspace.id, name: 'laptop' }).expect(201);
    const key = created.body.key as string;
    assert.match(key, /^roster_key_[A-Za-z0-9_-]{43}$/);
    assert.ok(key.startsWith(created.body.prefix));
    assert.equal(created.body.memberId, member.id);
    assert.equal(created.body.workspaceId, org.defaultWorkspace.id);
    assert.equal(created.body.revokedAt, null);

    const listed = await session.get('/api-keys').expect(200);
    assert.deepEqual(
      listed.body.apiKeys.map((k: { id: string }) => k.id),
      [created.body.id],
    );
    assert.ok(!JSON.stringify(listed.body).includes(key), 'the key is never shown again');
    assert.equal(listed.body.apiKeys[0].key, undefined);

    const byKey = whoamiSchema.strict().parse((await whoamiWithKey(key).expect(200)).body);
    assert.deepEqual(byKey, { kind: 'api_key', organizationId: org.id, memberId: member.id, workspaceId: org.defaultWorkspace.id });
    assert.deepEqual((await session.get('/whoami').expect(200)).body, { kind: 'session', organizationId: org.id, memberId: member.id, role: 'member' });
    assert.ok((await session.get('/api-keys').expect(200)).body.apiKeys[0].lastUsedAt, 'the key’s use is recorded');

    await session.delete(`/api-keys/${created.body.id}`).expect(204);
    assert.equal((await whoamiWithKey(key).expect(401)).body.error.code, 'invalid_api_key');
    const revoked = (await session.get('/api-keys').expect(200)).body.apiKeys[0];
    assert.ok(revoked.revokedAt);
    assert.equal(revoked.revokedReason, 'revoked');

    // Revoking again changes nothing and records nothing more.
    await session.delete(`/api-keys/${created.body.id}`).expect(204);
    assert.equal(await countRows('audit_events', { organization_id: org.id, action: 'api_key.revoked', target_id: created.body.id }), 1);
    assert.equal(await countRows('audit_events', { organization_id: org.id, action: 'api_key.created', target_id: created.body.id, actor_id: member.id }), 1);
  });

  it('stops a key on the next request once its member is suspended or removed', async () => {
    const org = await makeOrganization();
    const keyOf = async (userName: string) =>
      (
        await as(await sessionFor(app, org.id, userName))
          .post('/api-keys', { workspaceId: org.defaultWorkspace.id, name: 'ci' })
          .expect(201)
      ).body.key as string;
    const suspended = await makeMember(org.id);
    const removed = await makeMember(org.id);
    const [suspendedKey, removedKey] = [await keyOf(suspended.userName), await keyOf(removed.userName)];
    await whoamiWithKey(suspendedKey).expect(200);
    await whoamiWithKey(removedKey).expect(200);

    await tx((t) => suspendMember(t, org.adminActor, org.id, suspended.id));
    await tx((t) => removeMember(t, org.adminActor, org.id, removed.id));

    assert.equal((await whoamiWithKey(suspendedKey).expect(401)).body.error.code, 'invalid_api_key');
    assert.equal((await whoamiWithKey(removedKey).expect(401)).body.error.code, 'invalid_api_key');
  });

  it('authenticates /whoami only with a key: other routes still need a session, and unknown keys are refused', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const key = (await admin.post('/api-keys', { workspaceId: org.defaultWorkspace.id, name: 'k' }).expect(201)).body.key as string;
    assert.equal((await request(app).get('/api/v1/api-keys').set('Authorization', `Bearer ${key}`).expect(401)).body.error.code, 'invalid_token');
    assert.equal((await whoamiWithKey(`${key}x`).expect(401)).body.error.code, 'invalid_api_key');
    assert.equal((await whoamiWithKey('roster_key_unknown').expect(401)).body.error.code, 'invalid_api_key');
    assert.equal((await request(app).get('/api/v1/whoami').expect(401)).body.error.code, 'not_signed_in');
    assert.equal((await whoamiWithKey('not-a-session').expect(401)).body.error.code, 'invalid_token');
  });

  it('shows an Admin every member’s keys (or one member’s) and lets them revoke any; Billing and Members see and revoke only their own', async () => {
    const org = await makeOrganization();
    const billing = await makeMember(org.id, { role: 'billing' });
    const member = await makeMember(org.id);
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const billingSession = as(await sessionFor(app, org.id, billing.userName));
    const memberSession = as(await sessionFor(app, org.id, member.userName));
    const body = { workspaceId: org.defaultWorkspace.id, name: 'key' };
    const adminKey = (await admin.post('/api-keys', body).expect(201)).body;
    const billingKey = (await billingSession.post('/api-keys', body).expect(201)).body;
    const memberKey = (await memberSession.post('/api-keys', body).expect(201)).body;
    const ids = (response: request.Response) => response.body.apiKeys.map((k: { id: string }) => k.id).sort();

    assert.deepEqual(ids(await admin.get('/api-keys').expect(200)), [adminKey.id, billingKey.id, memberKey.id].sort());
    assert.deepEqual(ids(await admin.get(`/api-keys?memberId=${member.id}`).expect(200)), [memberKey.id]);
    assert.deepEqual(ids(await billingSession.get('/api-keys').expect(200)), [billingKey.id]);
    assert.deepEqual(ids(await memberSession.get('/api-keys').expect(200)), [memberKey.id]);
    assert.deepEqual(ids(await memberSession.get(`/api-keys?memberId=${member.id}`).expect(200)), [memberKey.id]);
    assert.equal((await memberSession.get(`/api-keys?memberId=${billing.id}`).expect(403)).body.error.code, 'forbidden_role');
    assert.equal((await billingSession.get(`/api-keys?memberId=${org.admin.id}`).expect(403)).body.error.code, 'forbidden_role');

    assert.equal((await memberSession.delete(`/api-keys/${billingKey.id}`).expect(403)).body.error.code, 'forbidden_role');
    assert.equal((await billingSession.delete(`/api-keys/${adminKey.id}`).expect(403)).body.error.code, 'forbidden_role');
    await whoamiWithKey(billingKey.key).expect(200);
    await whoamiWithKey(adminKey.key).expect(200);

    await billingSession.delete(`/api-keys/${billingKey.id}`).expect(204);
    await admin.delete(`/api-keys/${memberKey.id}`).expect(204);
    await whoamiWithKey(billingKey.key).expect(401);
    await whoamiWithKey(memberKey.key).expect(401);
    await whoamiWithKey(adminKey.key).expect(200);
  });

  it('refuses bad input and Workspaces the member cannot reach, and creates nothing', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const session = as(await sessionFor(app, org.id, member.userName));
    const unreachable = await tx((t) => createWorkspace(t, system, org.id, unique('Private')));
    const other = await makeOrganization();
    for (const [body, status, code] of [
      [{}, 400, 'invalid_request'],
      [{ workspaceId: org.defaultWorkspace.id }, 400, 'invalid_request'],
      [{ workspaceId: org.defaultWorkspace.id, name: 'k', memberId: org.admin.id }, 400, 'invalid_request'],
      [{ workspaceId: org.defaultWorkspace.id, name: 42 }, 400, 'invalid_request'],
      [{ workspaceId: org.defaultWorkspace.id, name: '   ' }, 400, 'invalid_value'],
      [{ workspaceId: org.defaultWorkspace.id, name: 'x'.repeat(101) }, 400, 'invalid_request'],
      [{ workspaceId: unreachable.id, name: 'k' }, 403, 'no_workspace_access'],
      [{ workspaceId: other.defaultWorkspace.id, name: 'k' }, 404, 'workspace_not_found'],
      [{ workspaceId: 'not-an-id', name: 'k' }, 404, 'workspace_not_found'],
    ] as const) {
      assert.equal((await session.post('/api-keys', body).expect(status)).body.error.code, code, JSON.stringify(body));
    }
    assert.equal(await countRows('api_keys', { organization_id: org.id }), 0);
    assert.equal((await session.get('/api-keys?extra=1').expect(400)).body.error.code, 'invalid_request');
  });

  it('answers 404 for another Organization’s keys and members, and leaves them alone', async () => {
    const [mine, theirs] = [await makeOrganization(), await makeOrganization()];
    const admin = as(await sessionFor(app, mine.id, mine.admin.userName));
    const theirAdmin = as(await sessionFor(app, theirs.id, theirs.admin.userName));
    const theirKey = (await theirAdmin.post('/api-keys', { workspaceId: theirs.defaultWorkspace.id, name: 'theirs' }).expect(201)).body;

    assert.equal((await admin.delete(`/api-keys/${theirKey.id}`).expect(404)).body.error.code, 'api_key_not_found');
    assert.equal((await admin.delete('/api-keys/not-an-id').expect(404)).body.error.code, 'api_key_not_found');
    assert.equal((await admin.get(`/api-keys?memberId=${theirs.admin.id}`).expect(404)).body.error.code, 'member_not_found');
    assert.deepEqual((await admin.get('/api-keys').expect(200)).body.apiKeys, []);
    await whoamiWithKey(theirKey.key).expect(200);
  });
});
