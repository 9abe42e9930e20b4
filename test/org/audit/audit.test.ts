import assert from 'node:assert/strict';
import { newId } from '../../../src/db/ids.js';
import { auditAnchor, recordEvents, searchAuditEvents, type AuditEntry } from '../../../src/org/audit/audit.service.js';
import { decodeCursor, encodeCursor, type Anchor } from '../../../src/org/lists/page.js';
import { db } from '../../support/database.js';
import { makeOrganization, rejectionOf, system, tx } from '../../support/factories.js';

describe('audit log search', () => {
  it('pages newest first without loss or repetition, also through events written in one transaction (same created_at)', async () => {
    const org = await makeOrganization();
    // A made-up action, outside AuditEntry on purpose: only these events carry it.
    const entries = Array.from({ length: 5 }, (_, i) => ({ action: 'test.batch', target: { type: 'thing', id: `t${i}` } }) as unknown as AuditEntry);
    await tx((t) => recordEvents(t, org.id, system, entries));

    const seen: string[] = [];
    let after: Anchor | undefined;
    do {
      const page = await tx((t) => searchAuditEvents(t, org.id, { action: 'test.batch' }, { limit: 2, after }));
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((event) => event.targetId));
      after = page.next ?? undefined;
    } while (after);
    assert.equal(seen.length, 5);
    assert.deepEqual([...seen].sort(), ['t0', 't1', 't2', 't3', 't4']);
  });

  it('keeps the database’s microseconds in its cursor, so events less than a millisecond apart are neither skipped nor repeated', async () => {
    const org = await makeOrganization();
    // Ids in the opposite order to the times: ordering or paging by a rounded time would lose one.
    const [early, late] = [newId(Date.now() + 1000), newId(Date.now())];
    await db()('audit_events').insert([
      {
        id: early,
        organization_id: org.id,
        actor_type: 'system',
        action: 'test.micro',
        target_type: 't',
        target_id: 'early',
        data: '{}',
        created_at: '2024-05-01T00:00:00.000100Z',
      },
      {
        id: late,
        organization_id: org.id,
        actor_type: 'system',
        action: 'test.micro',
        target_type: 't',
        target_id: 'late',
        data: '{}',
        created_at: '2024-05-01T00:00:00.000200Z',
      },
    ]);
    const first = await tx((t) => searchAuditEvents(t, org.id, { action: 'test.micro' }, { limit: 1 }));
    assert.deepEqual(
      first.items.map((event) => event.targetId),
      ['late'],
    );
    // Through the cursor the API hands out, as a client pages.
    const after = decodeCursor(encodeCursor(first.next!), auditAnchor);
    const second = await tx((t) => searchAuditEvents(t, org.id, { action: 'test.micro' }, { limit: 1, after }));
    assert.deepEqual(
      second.items.map((event) => event.targetId),
      ['early'],
    );
    assert.equal(second.next, null);
  });

  it('refuses cursors it did not hand out and page sizes out of range', async () => {
    const org = await makeOrganization();
    for (const cursor of ['', 'garbage', Buffer.from('["2024-01-01", "x"]').toString('base64url'), Buffer.from('{}').toString('base64url')]) {
      assert.equal((await rejectionOf(Promise.resolve().then(() => decodeCursor(cursor, auditAnchor)))).code, 'invalid_cursor', cursor);
    }
    for (const after of [['2024-01-01', 'x'], [new Date().toISOString(), newId()], []]) {
      assert.equal((await rejectionOf(tx((t) => searchAuditEvents(t, org.id, {}, { limit: 10, after })))).code, 'invalid_cursor', String(after));
    }
    for (const limit of [0, -1, 1.5, 1001]) {
      assert.equal((await rejectionOf(tx((t) => searchAuditEvents(t, org.id, {}, { limit })))).code, 'invalid_value', String(limit));
    }
  });
});
