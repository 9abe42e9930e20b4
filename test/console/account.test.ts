import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { checkPage, describeInBrowser, useRosterInBrowser } from '../support/browser.js';
import { signedInWithCookie } from '../support/console-flows.js';
import { db } from '../support/database.js';
import { makeMember, makeOrganization, unique } from '../support/factories.js';

describeInBrowser('My account in a browser', function () {
  this.timeout(90_000);
  const roster = useRosterInBrowser();

  const signedIn = (organizationId: string, email: string, path = '/account') => signedInWithCookie(roster, organizationId, email, path);
  const nav = (page: Page) => page.getByRole('navigation', { name: 'Console' });
  const section = (page: Page, name: string) => page.getByRole('region', { name });

  it('shows a Member only My account, from /, and lets them edit their profile', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const visit = await signedIn(org.id, member.userName, '/');
    const { page } = visit;
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/account');
    assert.deepEqual(await nav(page).getByRole('link').allInnerTexts(), ['My account']);
    const profile = section(page, 'Profile');
    assert.match(await profile.innerText(), /Role\s+Member[\s\S]*Workspaces\s+Default/);

    const email = `${unique('renamed')}@example.test`;
    await profile.getByLabel('Email').fill(email);
    await profile.getByLabel('First name').fill('Grace');
    await profile.getByLabel('Last name').fill('Hopper');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('status').filter({ hasText: 'Profile saved' }).waitFor();
    const row = (await db()('members').where({ id: member.id }).first()) as { given_name: string; family_name: string; user_name: string };
    assert.deepEqual([row.given_name, row.family_name, row.user_name], ['Grace', 'Hopper', member.userName]);
    const emails = (await db()('member_emails').where({ member_id: member.id })) as Array<{ value: string }>;
    assert.deepEqual(
      emails.map((found) => found.value),
      [email],
    );
    await checkPage(visit, 'account');

    await page.reload();
    assert.equal(await section(page, 'Profile').getByLabel('Last name').inputValue(), 'Hopper');
  });

  it('shows a SCIM-managed profile read-only, saying why', async () => {
    const org = await makeOrganization();
    const pushed = await makeMember(org.id, {
      source: 'scim',
      profile: { userName: `${unique('pushed')}@example.test`, name: { givenName: 'Pat', familyName: 'Okta' } },
    });
    const visit = await signedIn(org.id, pushed.userName);
    const profile = section(visit.page, 'Profile Managed by SCIM');
    await profile.waitFor();
    assert.match(await profile.innerText(), /identity provider \(SCIM\)[\s\S]*First name\s+Pat[\s\S]*Last name\s+Okta/);
    assert.equal(await profile.getByRole('textbox').count(), 0);
    assert.equal(await profile.getByRole('button', { name: 'Save profile' }).count(), 0);
    await checkPage(visit, 'account-managed');
  });

  it('creates an API key, shows it once with a copy button, then only its prefix, and revokes it', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const visit = await signedIn(org.id, member.userName);
    const { page, context } = visit;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: roster.url });
    const keys = section(page, 'API keys');
    await keys.getByLabel('Key name').fill('Deploy script');
    await keys.getByLabel('Workspace').selectOption({ label: 'Default' });
    await keys.getByRole('button', { name: 'Create key' }).click();

    const shown = page.getByRole('region', { name: 'New API key' });
    await shown.waitFor();
    assert.match(await shown.innerText(), /will not be shown again/);
    const secret = await shown.locator('code').innerText();
    assert.match(secret, /^roster_key_/);
    await shown.getByRole('button', { name: 'Copy API key' }).click();
    await shown.getByRole('button', { name: 'Copy API key' }).filter({ hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    const stored = (await db()('api_keys').where({ member_id: member.id }).first()) as {
      id: string;
      prefix: string;
      workspace_id: string;
      revoked_at: Date | null;
    };
    assert.equal(stored.workspace_id, org.defaultWorkspace.id);
    assert.ok(secret.startsWith(stored.prefix));
    await checkPage(visit, 'account-api-key-created');

    await page.reload();
    const row = section(page, 'API keys').getByRole('row').filter({ hasText: 'Deploy script' });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`${stored.prefix}…[\\s\\S]*Default[\\s\\S]*Active`));
    assert.equal(await page.getByText(secret).count(), 0, 'the key itself is gone after a reload');

    await row.getByRole('button', { name: 'Revoke Deploy script' }).click();
    await page.getByRole('alertdialog', { name: 'Revoke the API key “Deploy script”?' }).getByRole('button', { name: 'Revoke' }).click();
    await row.filter({ hasText: 'Revoked' }).waitFor();
    assert.notEqual(((await db()('api_keys').where({ id: stored.id }).first()) as { revoked_at: Date | null }).revoked_at, null);
    await checkPage(visit, 'account-api-key-revoked');
  });

  it('lists an Admin’s own keys only, not everyone’s', async () => {
    const org = await makeOrganization();
    const other = await makeMember(org.id);
    const asOther = await signedIn(org.id, other.userName);
    await section(asOther.page, 'API keys').getByLabel('Key name').fill('Not the admin’s');
    await section(asOther.page, 'API keys').getByRole('button', { name: 'Create key' }).click();
    await asOther.page.getByRole('region', { name: 'New API key' }).waitFor();

    const asAdmin = await signedIn(org.id, org.admin.userName);
    await section(asAdmin.page, 'API keys').getByText('No API keys yet.').waitFor();
  });

  it('signs out another session of the same person, which then goes to sign-in', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const other = await signedIn(org.id, member.userName);
    await other.page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    const visit = await signedIn(org.id, member.userName);
    const { page } = visit;
    const sessions = section(page, 'Sessions');
    await sessions.getByRole('row').filter({ hasText: 'This session' }).waitFor();
    assert.equal(await sessions.getByRole('row').count(), 3, 'a header row and two sessions');
    await checkPage(visit, 'account-sessions');

    await sessions.getByRole('button', { name: /^Sign out the session/ }).click();
    await sessions.getByRole('row').nth(2).waitFor({ state: 'detached' });
    const live = (await db()('sessions').where({ member_id: member.id }).whereNull('revoked_at')) as Array<{ id: string }>;
    assert.equal(live.length, 1);

    await other.page.reload();
    await other.page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    await page.reload();
    await section(page, 'Sessions').getByRole('row').filter({ hasText: 'This session' }).waitFor();
  });

  it('signs out every other session at once, keeping this one', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const others = [await signedIn(org.id, member.userName), await signedIn(org.id, member.userName)];
    const visit = await signedIn(org.id, member.userName);
    const sessions = section(visit.page, 'Sessions');
    await sessions.getByRole('row').nth(3).waitFor();
    await sessions.getByRole('button', { name: 'Sign out other sessions' }).click();
    await visit.page.getByRole('alertdialog', { name: 'Sign out every other session?' }).getByRole('button', { name: 'Sign them out' }).click();
    await sessions.getByRole('row').nth(2).waitFor({ state: 'detached' });
    assert.equal((await db()('sessions').where({ member_id: member.id }).whereNull('revoked_at')).length, 1);
    for (const { page } of others) {
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    }
  });

  it('lets a Member leave after a confirmation, and refuses the last Admin, saying why', async () => {
    const org = await makeOrganization();
    const member = await makeMember(org.id);
    const visit = await signedIn(org.id, member.userName);
    const { page } = visit;
    await page.getByRole('button', { name: 'Leave the Organization' }).click();
    await checkPage(visit, 'account-leave-confirm');
    await page.getByRole('alertdialog', { name: 'Leave the Organization?' }).getByRole('button', { name: 'Leave' }).click();
    // Leaving ends the membership's session: the console reads the session again and signs in afresh.
    await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    assert.equal(await db()('members').where({ id: member.id }).first(), undefined);
    await checkPage(visit, 'account-left');

    const asAdmin = await signedIn(org.id, org.admin.userName);
    await asAdmin.page.getByRole('button', { name: 'Leave the Organization' }).click();
    await asAdmin.page.getByRole('alertdialog', { name: 'Leave the Organization?' }).getByRole('button', { name: 'Leave' }).click();
    const refusal = asAdmin.page.getByRole('alert').filter({ hasText: 'The last Admin cannot go' });
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /last_admin/);
    assert.notEqual(await db()('members').where({ id: org.admin.id }).first(), undefined);
    await checkPage(asAdmin, 'account-last-admin');
  });
});
