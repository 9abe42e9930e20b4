import assert from 'node:assert/strict';
import request from 'supertest';
import { newId } from '../../src/db/ids.js';
import { apiClient, authApp, sessionFor } from '../support/auth.js';
import { db } from '../support/database.js';
import { makeMember, makeOrganization } from '../support/factories.js';

interface StoredEvent {
  actor_type?: string;
  actor_id?: string | null;
  action: string;
  target_type?: string;
  target_id?: string;
  data?: Record<string, unknown>;
  request_id?: string | null;
  created_at: string;
}

/** Writes audit events as they would have been written at the given times (the log's own writers always use now()). */
async function storeEvents(organizationId: string, events: StoredEvent[]): Promise<string[]> {
  const rows = events.map((event) => ({
    id: newId(),
    organization_id: organizationId,
    actor_type: event.actor_type ?? 'system',
    actor_id: event.actor_id ?? null,
    action: event.action,
    target_type: event.target_type ?? 'thing',
    target_id: event.target_id ?? 'x',
    data: JSON.stringify(event.data ?? {}),
    request_id: event.request_id ?? null,
    created_at: event.created_at,
  }));
  for (let i = 0; i < rows.length; i += 500) await db()('audit_events').insert(rows.slice(i, i + 500));
  return rows.map((row) => row.id);
}

/** RFC 4180 read strictly: quoted fields with doubled quotes, CRLF between records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        assert.ok(quote >= 0, 'unterminated quoted field');
        field += text.slice(i, quote);
        i = quote + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        assert.notEqual(text[i], '"', 'a quote inside an unquoted field');
        assert.notEqual(text[i], '\n', 'a bare LF inside an unquoted field');
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
    } else {
      assert.equal(text.slice(i, i + 2), '\r\n', 'records end with CRLF');
      i += 2;
      records.push(record);
      record = [];
    }
  }
  return records;
}

const header = ['id', 'createdAt', 'actorType', 'actorId', 'action', 'targetType', 'targetId', 'data', 'requestId'];

describe('/api/v1/audit-events', () => {
  let app: ReturnType<typeof authApp>;
  before(() => {
    app = authApp();
  });

  const as = (token: string) => apiClient(app, token);
  const actions = (response: request.Response) => response.body.events.map((event: { action: string }) => event.action);

  it('shows an Admin who did what to whom, newest first, filtered by actor, action and target', async () => {
    const org = await makeOrganization('Acme');
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    await admin.patch('/organization', { name: 'Acme Corp' }).expect(200);
    const key = (await admin.post('/api-keys', { workspaceId: org.defaultWorkspace.id, name: 'ci' }).expect(201)).body;

    const all = await admin.get('/audit-events').expect(200);
    assert.deepEqual(actions(all).slice(0, 2), ['api_key.created', 'organization.renamed']);
    assert.equal(all.body.nextCursor, null);
    const [created] = all.body.events;
    assert.deepEqual(
      { actor: created.actor, target: created.target, data: created.data },
      {
        actor: { type: 'member', id: org.admin.id },
        target: { type: 'api_key', id: key.id },
        data: { memberId: org.admin.id, workspaceId: org.defaultWorkspace.id, name: 'ci' },
      },
    );
    assert.equal(typeof created.requestId, 'string');
    assert.ok(!Number.isNaN(Date.parse(created.createdAt)));

    const renamed = await admin.get('/audit-events?action=organization.renamed').expect(200);
    assert.deepEqual(
      renamed.body.events.map((event: { data: unknown }) => event.data),
      [{ from: 'Acme', to: 'Acme Corp' }],
    );
    assert.deepEqual(actions(await admin.get(`/audit-events?actorType=member&actorId=${org.admin.id}`).expect(200)), [
      'api_key.created',
      'organization.renamed',
    ]);
    assert.deepEqual(actions(await admin.get('/audit-events?actorType=system').expect(200)).sort(), [
      'member.created',
      'organization.created',
      'workspace.created',
    ]);
    assert.deepEqual(actions(await admin.get(`/audit-events?targetType=organization&targetId=${org.id}`).expect(200)), [
      'organization.renamed',
      'organization.created',
    ]);
    assert.deepEqual(actions(await admin.get(`/audit-events?targetId=${key.id}`).expect(200)), ['api_key.created']);
    assert.deepEqual((await admin.get('/audit-events?action=nothing.happened').expect(200)).body, { events: [], nextCursor: null });
  });

  it('filters by time range: from is inclusive, to exclusive, in any ISO 8601 offset', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    await storeEvents(
      org.id,
      ['2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z'].map((at, i) => ({
        action: 'test.ranged',
        target_id: `day${i + 1}`,
        created_at: at,
      })),
    );
    const targets = async (query: string) =>
      (await admin.get(`/audit-events?action=test.ranged&${query}`).expect(200)).body.events.map((event: { target: { id: string } }) => event.target.id);

    assert.deepEqual(await targets('from=2024-01-02T00:00:00Z&to=2024-01-03T00:00:00Z'), ['day2']);
    assert.deepEqual(await targets(`from=${encodeURIComponent('2024-01-02T01:00:00+01:00')}`), ['day3', 'day2']);
    assert.deepEqual(await targets('to=2024-01-02T00:00:00.001Z'), ['day2', 'day1']);
    assert.deepEqual(await targets('from=2024-01-03T00:00:00Z&to=2024-01-01T00:00:00Z'), []);
  });

  it('pages through every matching event exactly once with the cursor, also when events are written between pages', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    // Seven events, two of them in the same millisecond and two at the very same instant.
    const times = [
      '2024-03-01T00:00:01Z',
      '2024-03-01T00:00:02.000001Z',
      '2024-03-01T00:00:02.000002Z',
      '2024-03-01T00:00:03Z',
      '2024-03-01T00:00:03Z',
      '2024-03-01T00:00:04Z',
      '2024-03-01T00:00:05Z',
    ];
    const ids = await storeEvents(
      org.id,
      times.map((at, i) => ({ action: 'test.paged', target_id: `e${i}`, created_at: at })),
    );
    // Newest first; at the same instant, the larger id first. (The times above sort as strings.)
    const expected = times
      .map((at, i) => ({ at: at.includes('.') ? at : at.replace('Z', '.000000Z'), id: ids[i]!, target: `e${i}` }))
      .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
      .map((event) => event.target);

    const seen: string[] = [];
    let path = '/audit-events?action=test.paged&limit=3';
    const pageSizes: number[] = [];
    for (;;) {
      const page = await admin.get(path).expect(200);
      pageSizes.push(page.body.events.length);
      seen.push(...page.body.events.map((event: { target: { id: string } }) => event.target.id));
      // A newer event written mid-way belongs before the first page: later pages neither show nor shift for it.
      if (pageSizes.length === 1) await storeEvents(org.id, [{ action: 'test.paged', target_id: 'newer', created_at: new Date().toISOString() }]);
      if (!page.body.nextCursor) break;
      path = `/audit-events?action=test.paged&limit=3&cursor=${encodeURIComponent(page.body.nextCursor)}`;
    }
    assert.deepEqual(pageSizes, [3, 3, 1]);
    assert.deepEqual(seen, expected);
    assert.deepEqual(seen.slice(0, 2), ['e6', 'e5']);
    assert.deepEqual(seen.slice(4), ['e2', 'e1', 'e0']);

    // 50 a page unless asked.
    await storeEvents(
      org.id,
      Array.from({ length: 53 }, (_, i) => ({ action: 'test.many', created_at: `2024-04-01T00:00:${String(i).padStart(2, '0')}Z` })),
    );
    const first = await admin.get('/audit-events?action=test.many').expect(200);
    assert.equal(first.body.events.length, 50);
    const rest = await admin.get(`/audit-events?action=test.many&cursor=${first.body.nextCursor}`).expect(200);
    assert.equal(rest.body.events.length, 3);
    assert.equal(rest.body.nextCursor, null);
  });

  it('refuses bad filters, page sizes and cursors', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    for (const [query, code] of [
      ['limit=0', 'invalid_request'],
      ['limit=201', 'invalid_request'],
      ['limit=ten', 'invalid_request'],
      ['actorType=robot', 'invalid_request'],
      ['from=yesterday', 'invalid_request'],
      ['to=2024-01-01', 'invalid_request'],
      ['action=a&action=b', 'invalid_request'],
      ['sort=asc', 'invalid_request'],
      ['cursor=not-a-cursor', 'invalid_cursor'],
      [`cursor=${Buffer.from('["2024-01-01T00:00:00.000000Z","x"]').toString('base64url')}`, 'invalid_cursor'],
    ] as const) {
      assert.equal((await admin.get(`/audit-events?${query}`).expect(400)).body.error.code, code, query);
    }
    assert.equal((await admin.get('/audit-events.csv?limit=5').expect(400)).body.error.code, 'invalid_request');
    assert.equal((await admin.get('/audit-events.csv?from=soon').expect(400)).body.error.code, 'invalid_request');
  });

  it('is for Admins only, and shows each Organization only its own events', async () => {
    const [org, other] = [await makeOrganization(), await makeOrganization()];
    for (const role of ['billing', 'member'] as const) {
      const caller = as(await sessionFor(app, org.id, (await makeMember(org.id, { role })).userName));
      assert.equal((await caller.get('/audit-events').expect(403)).body.error.code, 'forbidden_role', role);
      assert.equal((await caller.get('/audit-events.csv').expect(403)).body.error.code, 'forbidden_role', role);
    }
    await request(app).get('/api/v1/audit-events.csv').expect(401);

    const otherAdmin = as(await sessionFor(app, other.id, other.admin.userName));
    assert.deepEqual((await otherAdmin.get(`/audit-events?targetId=${org.id}`).expect(200)).body.events, []);
    const theirs = await otherAdmin.get('/audit-events').expect(200);
    assert.ok(theirs.body.events.length > 0);
    assert.ok(
      theirs.body.events.every(
        (event: { target: { id: string }; actor: { id: string | null } }) => event.target.id !== org.id && event.actor.id !== org.admin.id,
      ),
    );
    const csv = await otherAdmin.get('/audit-events.csv').expect(200);
    assert.ok(!csv.text.includes(org.id) && !csv.text.includes(org.admin.id));
  });

  it('exports CSV with a header row, RFC 4180 quoting, and cells a spreadsheet cannot read as formulas', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const [id] = await storeEvents(org.id, [
      {
        actor_type: 'member',
        actor_id: '+1 555',
        action: '=HYPERLINK("http://evil.test","click")',
        target_type: '@SUM(A1)',
        target_id: '-2,3\nsecond line',
        data: { note: 'say "hi", then go' },
        request_id: '\tcmd',
        created_at: '2024-06-01T12:00:00Z',
      },
      { action: 'test.plain', target_id: '\rx', request_id: null, created_at: '2024-06-01T11:00:00Z' },
    ]);

    const response = await admin.get('/audit-events.csv?from=2024-06-01T00:00:00Z&to=2024-06-02T00:00:00Z').expect(200);
    assert.match(String(response.headers['content-type']), /^text\/csv; charset=utf-8$/);
    assert.match(String(response.headers['content-disposition']), /^attachment; filename="audit-events.csv"$/);
    const records = parseCsv(response.text);
    assert.deepEqual(records, [
      header,
      [
        id!,
        '2024-06-01T12:00:00.000Z',
        'member',
        "'+1 555",
        `'=HYPERLINK("http://evil.test","click")`,
        "'@SUM(A1)",
        "'-2,3\nsecond line",
        '{"note":"say \\"hi\\", then go"}',
        "'\tcmd",
      ],
      [records[2]![0]!, '2024-06-01T11:00:00.000Z', 'system', '', 'test.plain', 'thing', "'\rx", '{}', ''],
    ]);
    assert.ok(response.text.startsWith(`${header.join(',')}\r\n`));
    assert.ok(response.text.includes(`,"'=HYPERLINK(""http://evil.test"",""click"")",`), 'quotes doubled inside a quoted cell');
    assert.ok(response.text.includes(`,"'\rx",`), 'a cell holding CR is quoted');

    const filtered = parseCsv((await admin.get('/audit-events.csv?action=test.plain').expect(200)).text);
    assert.deepEqual(
      filtered.map((record) => record[4]),
      ['action', 'test.plain'],
    );
    assert.deepEqual(parseCsv((await admin.get('/audit-events.csv?action=nothing').expect(200)).text), [header]);
  });

  it('exports every matching event exactly once, newest first, reading them a page at a time', async () => {
    const org = await makeOrganization();
    const admin = as(await sessionFor(app, org.id, org.admin.userName));
    const start = Date.parse('2024-07-01T00:00:00Z');
    // 1,234 events, several SQL pages, with runs of events at the same instant across page boundaries.
    const ids = await storeEvents(
      org.id,
      Array.from({ length: 1234 }, (_, i) => ({ action: 'test.export', created_at: new Date(start + Math.floor(i / 7) * 1000).toISOString() })),
    );

    const records = parseCsv((await admin.get('/audit-events.csv?action=test.export').expect(200)).text);
    assert.deepEqual(records[0], header);
    const exported = records.slice(1).map((record) => record[0]!);
    assert.equal(exported.length, 1234);
    assert.equal(new Set(exported).size, 1234);
    assert.deepEqual([...exported].sort(), [...ids].sort());
    const times = records.slice(1).map((record) => Date.parse(record[1]!));
    assert.ok(
      times.every((time, i) => i === 0 || time <= times[i - 1]!),
      'newest first',
    );
  });
});
