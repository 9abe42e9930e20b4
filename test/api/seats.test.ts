import assert from 'node:assert/strict';
import request from 'supertest';
import { changeRole } from '../../src/org/members/member-changes.service.js';
import { assignSeat, listSeatPools, setSeatLimit } from '../../src/org/seats/seats.service.js';
import { apiClient, authApp, sessionFor } from '../support/auth.js';
import { countRows, makeMember, makeOrganization, system, tx } from '../support/factories.js';

describe('/api/v1/seats', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });

  const as = (token: string) => apiClient(app, token);
  const eventsOf = (organizationId: string) => countRows('audit_events', { organization_id: organizationId });

  it('lets an Admin create, raise and lower pools, each real change one audit event', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    assert.deepEqual((await admin.get('/seats').expect(200)).body, { pools: [] });
    const before = await eventsOf(org.id);

    assert.deepEqual((await admin.put('/seats/chat', { limit: 5 }).expect(200)).body, { product: 'chat', limit: 5, assigned: 0, available: 5 });
    await admin.put('/seats/code', { limit: 2 }).expect(200);
    await admin.put('/seats/chat', { limit: 5 }).expect(200);
    await admin.put('/seats/chat', { limit: 3 }).expect(200);

    assert.deepEqual((await admin.get('/seats').expect(200)).body, {
      pools: [
        { product: 'chat', limit: 3, assigned: 0, available: 3 },
        { product: 'code', limit: 2, assigned: 0, available: 2 },
      ],
    });
    assert.equal(await eventsOf(org.id), before + 3, 'setting the limit it already has changes nothing');
    assert.equal(await countRows('audit_events', { organization_id: org.id, action: 'seat_pool.limit_set', target_id: 'chat', actor_id: org.admin.id }), 2);
  });

  it('lets Billing read the pools with their usage and set a limit', async () => {
    const org = await makeOrganization();
    const billing = await makeMember(org.id, { role: 'billing' });
    const holder = await makeMember(org.id);
    await tx((t) => setSeatLimit(t, system, org.id, 'api', 4));
    await tx((t) => assignSeat(t, system, org.id, holder.id, 'api'));
    const api = as(await sessionFor(app, org.id, billing.userName));

    assert.deepEqual((await api.get('/seats').expect(200)).body.pools, [{ product: 'api', limit: 4, assigned: 1, available: 3 }]);
    assert.deepEqual((await api.put('/seats/api', { limit: 10 }).expect(200)).body, { product: 'api', limit: 10, assigned: 1, available: 9 });
    assert.equal(await countRows('audit_events', { organization_id: org.id, action: 'seat_pool.limit_set', actor_id: billing.id }), 1);
  });

  it('never lowers a limit below the seats assigned: 409 with the numbers, and nothing changes', async () => {
    const org = await makeOrganization();
    const holders = [await makeMember(org.id), await makeMember(org.id), await makeMember(org.id)];
    await tx((t) => setSeatLimit(t, system, org.id, 'code', 5));
    for (const holder of holders) await tx((t) => assignSeat(t, system, org.id, holder.id, 'code'));
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const before = await eventsOf(org.id);

    const refused = await admin.put('/seats/code', { limit: 2 }).expect(409);

    assert.equal(refused.body.error.code, 'seat_limit_below_assigned');
    assert.deepEqual(refused.body.error.details, { product: 'code', limit: 2, assigned: 3 });
    assert.match(refused.body.error.message, /3 code seats are assigned/);
    assert.deepEqual(await tx((t) => listSeatPools(t, org.id)), [{ organizationId: org.id, product: 'code', limit: 5, assigned: 3, available: 2 }]);
    assert.equal(await eventsOf(org.id), before);
    assert.equal((await admin.put('/seats/code', { limit: 3 }).expect(200)).body.available, 0, 'down to exactly the seats assigned is allowed');
  });

  it('refuses Members, and Billing as soon as they are demoted', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const billing = await makeMember(org.id, { role: 'billing' });
    const memberApi = as(await sessionFor(app, org.id, member.userName));
    const billingApi = as(await sessionFor(app, org.id, billing.userName));

    assert.equal((await memberApi.get('/seats').expect(403)).body.error.code, 'forbidden_role');
    assert.equal((await memberApi.put('/seats/chat', { limit: 1 }).expect(403)).body.error.code, 'forbidden_role');
    await billingApi.get('/seats').expect(200);
    await tx((t) => changeRole(t, system, org.id, billing.id, 'member'));
    assert.equal((await billingApi.put('/seats/chat', { limit: 1 }).expect(403)).body.error.code, 'forbidden_role');
    assert.equal((await request(app).get('/api/v1/seats').expect(401)).body.error.code, 'not_signed_in');
    assert.equal(await countRows('seat_pools', { organization_id: org.id }), 0);
  });

  it('answers bad limits and product names with 400 and changes nothing', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    for (const body of [{}, { limit: -1 }, { limit: 1.5 }, { limit: '3' }, { limit: 10_000_001 }, { limit: 3, product: 'chat' }, [3]]) {
      assert.equal((await admin.put('/seats/chat', body).expect(400)).body.error.code, 'invalid_request', JSON.stringify(body));
    }
    for (const product of ['Chat', '9lives', 'a'.repeat(41), 'spa%20ce']) {
      assert.equal((await admin.put(`/seats/${product}`, { limit: 1 }).expect(400)).body.error.code, 'invalid_product', product);
    }
    assert.deepEqual((await admin.get('/seats').expect(200)).body.pools, []);
  });

  it('keeps each Organization’s pools to itself', async () => {
    const [mine, theirs] = [await makeOrganization(), await makeOrganization()];
    await tx((t) => setSeatLimit(t, system, theirs.id, 'chat', 7));
    const admin = as(await sessionFor(app, mine.id, mine.admin.userName));

    assert.deepEqual((await admin.get('/seats').expect(200)).body.pools, []);
    await admin.put('/seats/chat', { limit: 1 }).expect(200);

    assert.deepEqual(
      (await tx((t) => listSeatPools(t, theirs.id))).map((pool) => pool.limit),
      [7],
    );
    assert.deepEqual(
      (await tx((t) => listSeatPools(t, mine.id))).map((pool) => pool.limit),
      [1],
    );
  });
});
