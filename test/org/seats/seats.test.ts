import assert from 'node:assert/strict';
import { listAuditEvents } from '../../../src/org/audit/audit.service.js';
import { suspendMember } from '../../../src/org/members/member-changes.service.js';
import { getMember, removeMember } from '../../../src/org/members/members.service.js';
import { assignSeat, listSeatPools, releaseSeat, seatsOf, setSeatLimit } from '../../../src/org/seats/seats.service.js';
import { countRows, makeMember, makeOrganization, rejectionOf, system, tx } from '../../support/factories.js';

async function pool(organizationId: string, product: string) {
  const pools = await tx((t) => listSeatPools(t, organizationId));
  return pools.find((entry) => entry.product === product);
}

describe('seats (invariant 2: assigned ≤ limit)', () => {
  it('creates, raises and lowers a pool, recording each change', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 3));
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 10));
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 10));
    const lowered = await tx((t) => setSeatLimit(t, system, org.id, 'chat', 2));

    assert.deepEqual([lowered.limit, lowered.assigned, lowered.available], [2, 0, 2]);
    const events = await tx((t) => listAuditEvents(t, { organizationId: org.id, action: 'seat_pool.limit_set' }));
    assert.deepEqual(
      events.map((event) => [event.data.from, event.data.to]),
      [
        [null, 3],
        [3, 10],
        [10, 2],
      ],
    );
  });

  it('refuses to lower a limit below the seats assigned', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'code', 2));
    await makeMember(org.id, { seats: ['code'] });
    await makeMember(org.id, { seats: ['code'] });

    const error = await rejectionOf(tx((t) => setSeatLimit(t, system, org.id, 'code', 1)));

    assert.equal(error.code, 'seat_limit_below_assigned');
    assert.match(error.message, /2 code seats are assigned/);
    assert.equal((await pool(org.id, 'code'))!.limit, 2);
  });

  it('refuses bad product names and limits', async () => {
    const org = await makeOrganization();
    for (const product of ['', 'Chat', '1chat', 'chat seats', 'x'.repeat(41)]) {
      assert.equal((await rejectionOf(tx((t) => setSeatLimit(t, system, org.id, product, 1)))).code, 'invalid_product');
    }
    for (const limit of [-1, 1.5, Number.NaN]) {
      assert.equal((await rejectionOf(tx((t) => setSeatLimit(t, system, org.id, 'chat', limit)))).code, 'invalid_seat_limit');
    }
    assert.equal(await countRows('seat_pools', { organization_id: org.id }), 0);
  });

  it('assigns and releases a seat idempotently, one event and one version per real change', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'api', 2));
    const member = await makeMember(org.id);

    await tx((t) => assignSeat(t, system, org.id, member.id, 'api'));
    await tx((t) => assignSeat(t, system, org.id, member.id, 'api'));
    assert.deepEqual(await tx((t) => seatsOf(t, org.id, member.id)), ['api']);
    assert.equal((await pool(org.id, 'api'))!.assigned, 1);

    await tx((t) => releaseSeat(t, system, org.id, member.id, 'api'));
    await tx((t) => releaseSeat(t, system, org.id, member.id, 'api'));
    assert.deepEqual(await tx((t) => seatsOf(t, org.id, member.id)), []);
    assert.equal((await pool(org.id, 'api'))!.assigned, 0);

    assert.equal((await tx((t) => getMember(t, org.id, member.id))).version, member.version + 2);
    const events = await tx((t) => listAuditEvents(t, { organizationId: org.id, targetId: member.id }));
    assert.deepEqual(
      events.map((event) => event.action),
      ['member.created', 'seat.assigned', 'seat.released'],
    );
  });

  it('refuses a seat of a product the Organization has no pool for', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const error = await rejectionOf(tx((t) => assignSeat(t, system, org.id, member.id, 'chat')));
    assert.equal(error.code, 'unknown_product');
  });

  it('answers "no seats available" with the pool\'s numbers when the pool is full', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 1));
    await makeMember(org.id, { seats: ['chat'] });
    const member = await makeMember(org.id);

    const error = await rejectionOf(tx((t) => assignSeat(t, system, org.id, member.id, 'chat')));

    assert.equal(error.code, 'no_seats_available');
    assert.deepEqual(error.details, { product: 'chat', limit: 1, assigned: 1, available: 0 });
    assert.deepEqual(await tx((t) => seatsOf(t, org.id, member.id)), []);
  });

  it('gives exactly 5 of 20 concurrent requests a seat from a pool of 5', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
    const members = await Promise.all(Array.from({ length: 20 }, () => makeMember(org.id)));

    const results = await Promise.allSettled(members.map((member) => tx((t) => assignSeat(t, system, org.id, member.id, 'chat'))));

    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 5);
    for (const result of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
      assert.equal((result.reason as { code?: string }).code, 'no_seats_available');
      assert.match((result.reason as Error).message, /No chat seats available/);
    }
    assert.equal((await pool(org.id, 'chat'))!.assigned, 5);
    assert.equal(await countRows('seat_assignments', { organization_id: org.id, product: 'chat' }), 5);
    assert.equal(await countRows('audit_events', { organization_id: org.id, action: 'seat.assigned' }), 5);
  });

  it('never ends above the limit when assignments race a lowering of the limit', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'code', 10));
    const members = await Promise.all(Array.from({ length: 10 }, () => makeMember(org.id)));

    await Promise.allSettled([
      ...members.map((member) => tx((t) => assignSeat(t, system, org.id, member.id, 'code'))),
      tx((t) => setSeatLimit(t, system, org.id, 'code', 3)),
    ]);

    const after = (await pool(org.id, 'code'))!;
    assert.ok(after.assigned <= after.limit, `${after.assigned} assigned of ${after.limit}`);
    assert.equal(after.assigned, await countRows('seat_assignments', { organization_id: org.id, product: 'code' }));
  });

  it('makes room for others when a seat holder is suspended or removed', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 2));
    const first = await makeMember(org.id, { seats: ['chat'] });
    const second = await makeMember(org.id, { seats: ['chat'] });
    const [third, fourth] = [await makeMember(org.id), await makeMember(org.id)];

    await tx((t) => suspendMember(t, system, org.id, first.id));
    await tx((t) => removeMember(t, system, org.id, second.id));
    await tx((t) => assignSeat(t, system, org.id, third.id, 'chat'));
    await tx((t) => assignSeat(t, system, org.id, fourth.id, 'chat'));

    assert.equal((await pool(org.id, 'chat'))!.assigned, 2);
  });
});
