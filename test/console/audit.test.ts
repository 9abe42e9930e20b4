import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { recordEvents, type AuditEntry } from '../../src/org/audit/audit.service.js';
import type { Member } from '../../src/org/members/types.js';
import { checkPage, describeInBrowser, useRosterInBrowser, type ConsolePage } from '../support/browser.js';
import { apiSession, signedInWithCookie } from '../support/console-flows.js';
import { db } from '../support/database.js';
import { newUser } from '../support/scim.js';
import { makeMember, makeOrganization, system, tx, unique, type TestOrganization } from '../support/factories.js';

interface AuditRow {
  id: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  data: Record<string, unknown>;
  created_at: Date;
}

describeInBrowser('the Audit log page in a browser', function () {
  this.timeout(90_000);
  const roster = useRosterInBrowser();

  const signedIn = (organizationId: string, email: string, path = '/audit') => signedInWithCookie(roster, organizationId, email, path);

  /** The Organization's audit rows the filter selects, newest first, as the page should list them. */
  const stored = (organizationId: string, where: Partial<AuditRow> = {}): Promise<AuditRow[]> =>
    db()('audit_events')
      .where({ organization_id: organizationId, ...where })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);

  /** The rows of the list (not its header): what each shows, in order. */
  async function listed(page: Page): Promise<string[]> {
    const table = page.getByRole('table', { name: 'Audit events, newest first' });
    await table.waitFor();
    return (await table.getByRole('row').allInnerTexts()).slice(1);
  }
  const actionsListed = async (page: Page) => (await listed(page)).map((row) => row.split('\t')[2]!.trim());

  /** An Admin who changed Kim's role to Billing and invited someone, through the admin API. */
  async function withChanges(): Promise<{ org: TestOrganization; kim: Member }> {
    const org = await makeOrganization();
    const kim = await makeMember(org.id);
    const invitee = `${unique('invitee')}@example.test`;
    const api = await apiSession(roster.url, org.id, org.admin.userName);
    assert.equal((await api(`/members/${kim.id}/role`, { method: 'PATCH', body: { role: 'billing' } })).status, 200);
    assert.equal((await api('/invitations', { method: 'POST', body: { emails: [invitee], role: 'member' } })).status, 201);
    return { org, kim };
  }

  async function apply(visit: ConsolePage, changes: Record<string, string>): Promise<void> {
    const filters = visit.page.getByRole('form', { name: 'Filters' });
    for (const [label, value] of Object.entries(changes)) {
      const field = filters.getByLabel(label, { exact: true });
      if ((await field.evaluate((element) => element.tagName)) === 'SELECT') await field.selectOption(value);
      else await field.fill(value);
    }
    await filters.getByRole('button', { name: 'Apply' }).click();
  }

  it('lists what was done, newest first: when, who (a member by email, a SCIM token by name), what and to whom', async () => {
    const { org, kim } = await withChanges();
    // The IdP pushes a user over SCIM with a token named Okta.
    const api = await apiSession(roster.url, org.id, org.admin.userName);
    const token = (await api('/scim-tokens', { method: 'POST', body: { name: 'Okta' } })).body as { id: string; token: string };
    const pushed = `${unique('pushed')}@example.test`;
    const scim = await fetch(`${roster.url}/scim/v2/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token.token}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify(newUser(pushed)),
    });
    assert.equal(scim.status, 201);
    const visit = await signedIn(org.id, org.admin.userName, '/');
    const { page } = visit;
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    // Names come from the members they are: wait until both are read.
    await page
      .getByRole('cell', { name: `member ${kim.userName}` })
      .first()
      .waitFor();
    await page
      .getByRole('cell', { name: `Member ${org.admin.userName}` })
      .first()
      .waitFor();
    await page.getByRole('cell', { name: `member ${pushed}` }).waitFor();
    await page.getByRole('cell', { name: 'SCIM token Okta' }).waitFor();

    const rows = await listed(page);
    const inDatabase = await stored(org.id);
    assert.deepEqual(
      await actionsListed(page),
      inDatabase.map((event) => event.action),
    );
    assert.deepEqual(
      inDatabase.slice(0, 4).map((event) => event.action),
      ['member.created', 'scim_token.created', 'invitation.created', 'member.role_changed'],
    );
    assert.match(rows[0]!, new RegExp(`SCIM token Okta\\s+member\\.created\\s+member ${pushed}`));
    assert.match(rows[1]!, new RegExp(`Member ${org.admin.userName}\\s+scim_token\\.created\\s+scim_token Okta`));
    assert.match(rows[2]!, new RegExp(`Member ${org.admin.userName}\\s+invitation\\.created\\s+invitation ${inDatabase[2]!.target_id}`));
    assert.match(rows[3]!, new RegExp(`Member ${org.admin.userName}\\s+member\\.role_changed\\s+member ${kim.userName}`));
    assert.ok(
      rows.some((row) => /System test\s+organization\.created/.test(row)),
      'the factory’s events show their system actor',
    );
    await checkPage(visit, 'audit');
  });

  it('filters by action and by actor, keeps the filters in the address across a reload, and says when nothing matches', async () => {
    const { org, kim } = await withChanges();
    const visit = await signedIn(org.id, org.admin.userName);
    const { page } = visit;
    // A browser far from UTC, so a time read as UTC instead of the browser's own would show.
    await (await visit.context.newCDPSession(page)).send('Emulation.setTimezoneOverride', { timezoneId: 'Pacific/Auckland' });
    await page.reload();
    await listed(page);

    await apply(visit, { Action: 'member.role_changed' });
    await page.waitForURL(/\?action=member\.role_changed$/);
    await page.getByRole('row').nth(2).waitFor({ state: 'detached' });
    const roleChanges = await stored(org.id, { action: 'member.role_changed' });
    assert.equal(roleChanges.length, 1);
    assert.deepEqual(await actionsListed(page), ['member.role_changed']);
    await checkPage(visit, 'audit-filtered');

    await page.reload();
    assert.equal(await page.getByLabel('Action', { exact: true }).inputValue(), 'member.role_changed');
    assert.deepEqual(await actionsListed(page), ['member.role_changed']);

    // The actor by name: the API filters by id, the picker finds the member and hands it over.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL(/\/audit$/);
    await page.getByLabel('Find a member by last name or email').fill(kim.userName);
    await page.getByRole('button', { name: `Choose ${kim.userName}` }).click();
    assert.equal(await page.getByLabel('Actor type').inputValue(), 'member');
    assert.equal(await page.getByLabel('Actor ID').inputValue(), kim.id);
    await page.getByText(`That is ${kim.userName}.`).waitFor();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(new RegExp(`actorType=member&actorId=${kim.id}$`));
    await page.getByRole('cell', { name: 'No event matches.' }).waitFor();
    assert.equal((await stored(org.id, { actor_type: 'member', actor_id: kim.id })).length, 0, 'Kim did nothing');

    await apply(visit, { 'Actor ID': org.admin.id });
    await page.waitForURL(new RegExp(`actorId=${org.admin.id}$`));
    await page.getByRole('cell', { name: 'No event matches.' }).waitFor({ state: 'detached' });
    const byAdmin = await stored(org.id, { actor_type: 'member', actor_id: org.admin.id });
    assert.deepEqual(
      await actionsListed(page),
      byAdmin.map((event) => event.action),
    );
    assert.deepEqual(
      byAdmin.map((event) => event.action),
      ['invitation.created', 'member.role_changed'],
    );

    // The target: Kim, by type and id.
    await page.getByRole('button', { name: 'Clear' }).click();
    await apply(visit, { 'Target type': 'member', 'Target ID': kim.id });
    await page.waitForURL(new RegExp(`targetType=member&targetId=${kim.id}$`));
    await page.getByRole('row').nth(3).waitFor({ state: 'detached' });
    assert.deepEqual(
      await actionsListed(page),
      (await stored(org.id, { target_type: 'member', target_id: kim.id })).map((event) => event.action),
    );
    assert.deepEqual(await actionsListed(page), ['member.role_changed', 'member.created']);

    // A time range long past: the browser's wall-clock time goes to Roster as UTC.
    await apply(visit, { From: '2001-02-03T04:05', To: '2001-02-04T04:05' });
    await page.getByRole('cell', { name: 'No event matches.' }).waitFor();
    // Auckland keeps daylight saving time in February: UTC+13.
    const address = new URL(page.url()).searchParams;
    assert.deepEqual([address.get('from'), address.get('to')], ['2001-02-02T15:05:00.000Z', '2001-02-03T15:05:00.000Z']);
    await page.getByText('In your browser’s time zone, Pacific/Auckland; Roster receives them in UTC.').waitFor();
    await page.reload();
    await page.getByRole('cell', { name: 'No event matches.' }).waitFor();
    assert.equal(await page.getByLabel('From').inputValue(), '2001-02-03T04:05');
    await checkPage(visit, 'audit-no-match');
  });

  it('pages through more events than a page holds: Next page shows older ones, Previous page comes back', async () => {
    const org = await makeOrganization();
    // A made-up action, outside AuditEntry on purpose: only these events carry it.
    const entries = Array.from(
      { length: 60 },
      (_, n) => ({ action: 'test.paged', target: { type: 'thing', id: `n${String(n).padStart(2, '0')}` } }) as unknown as AuditEntry,
    );
    for (const entry of entries) await tx((t) => recordEvents(t, org.id, system, [entry]));
    const inDatabase = (await stored(org.id, { action: 'test.paged' })).map((event) => `thing ${event.target_id}`);
    assert.equal(inDatabase[0], 'thing n59', 'the newest is the last written');
    const visit = await signedIn(org.id, org.admin.userName, '/audit?action=test.paged');
    const { page } = visit;
    const targets = async () => (await listed(page)).map((row) => row.split('\t')[3]!.trim());
    await page.getByText('Page 1').waitFor();
    assert.deepEqual(await targets(), inDatabase.slice(0, 50));

    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2').waitFor();
    await page.getByRole('cell', { name: 'thing n09' }).waitFor();
    assert.deepEqual(await targets(), inDatabase.slice(50));
    assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true);
    await checkPage(visit, 'audit-page-2');

    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByText('Page 1').waitFor();
    await page.getByRole('cell', { name: 'thing n59' }).waitFor();
    assert.deepEqual(await targets(), inDatabase.slice(0, 50));
  });

  it('downloads as CSV exactly the events the filters select', async () => {
    const { org } = await withChanges();
    const visit = await signedIn(org.id, org.admin.userName);
    const { page } = visit;
    await apply(visit, { 'Actor type': 'member', 'Actor ID': org.admin.id });
    await page.waitForURL(/actorId=/);
    await page.getByRole('row').nth(3).waitFor({ state: 'detached' });

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download CSV' }).click();
    const file = await (await download).path();
    const lines = (await readFile(file, 'utf8')).split('\r\n');
    assert.equal(lines.at(-1), '', 'the last record ends with CRLF');
    assert.equal(lines[0], 'id,createdAt,actorType,actorId,action,targetType,targetId,data,requestId');
    // The first seven columns never hold a comma or a quote; the payload is compared in the details test.
    const records = lines.slice(1, -1).map((line) => line.split(',').slice(0, 7));
    const expected = (await stored(org.id, { actor_type: 'member', actor_id: org.admin.id })).map((event) => [
      event.id,
      new Date(event.created_at).toISOString(),
      event.actor_type,
      event.actor_id,
      event.action,
      event.target_type,
      event.target_id,
    ]);
    assert.equal(expected.length, 2);
    assert.deepEqual(records, expected);
  });

  it('shows one event’s details with its payload', async () => {
    const { org, kim } = await withChanges();
    const visit = await signedIn(org.id, org.admin.userName);
    const { page } = visit;
    const row = page.getByRole('row').filter({ hasText: 'member.role_changed' });
    await row.getByRole('button', { name: /^Details of member\.role_changed at / }).click();
    const dialog = page.getByRole('dialog', { name: 'member.role_changed' });
    await dialog.waitFor();
    const [event] = await stored(org.id, { action: 'member.role_changed', target_id: kim.id });
    const payload = dialog.getByRole('region', { name: 'Payload' });
    assert.deepEqual(JSON.parse(await payload.innerText()), event!.data);
    assert.deepEqual(event!.data, { role: { from: 'member', to: 'billing' } });
    await dialog.getByText(`by Member ${org.admin.userName}`).waitFor();
    assert.match(await dialog.innerText(), new RegExp(event!.id));
    await checkPage(visit, 'audit-details');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows a time the server cannot read as its refusal, in plain words', async () => {
    const org = await makeOrganization();
    const visit = await signedIn(org.id, org.admin.userName, '/audit?from=yesterday');
    const refusal = visit.page.getByRole('alert');
    await refusal.filter({ hasText: 'invalid_request' }).waitFor();
    assert.match(await refusal.innerText(), /That did not work\s+from: /);
    assert.doesNotMatch(await refusal.innerText(), /object Object/);
    assert.equal(await visit.page.getByRole('link', { name: 'Download CSV' }).count(), 0, 'no CSV of filters Roster refuses');
    await checkPage(visit, 'audit-bad-time');
  });

  it('is not shown to Billing or a Member, and /audit says "Not allowed" to them', async () => {
    const org = await makeOrganization();
    const billing = await makeMember(org.id, { role: 'billing' });
    const member = await makeMember(org.id);
    for (const person of [billing, member]) {
      const visit = await signedIn(org.id, person.userName, '/');
      await visit.page.getByRole('heading', { name: 'My account' }).waitFor();
      assert.equal(await visit.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Audit log' }).count(), 0);
    }
    const asBilling = await signedIn(org.id, billing.userName);
    await asBilling.page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor();
    assert.equal(await asBilling.page.getByRole('link', { name: 'Download CSV' }).count(), 0);
    await checkPage(asBilling, 'audit-forbidden');
  });
});
