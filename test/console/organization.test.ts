import assert from 'node:assert/strict';
import { checkPage, describeInBrowser, useRosterInBrowser } from '../support/browser.js';
import { signedInWithCookie } from '../support/console-flows.js';
import { db } from '../support/database.js';
import { makeMember, makeOrganization, unique } from '../support/factories.js';

describeInBrowser('the Organization page in a browser', function () {
  this.timeout(90_000);
  const roster = useRosterInBrowser();

  const signedIn = (organizationId: string, email: string, path = '/organization') => signedInWithCookie(roster, organizationId, email, path);
  const nameOf = async (id: string) => ((await db()('organizations').where({ id }).first()) as { name: string } | undefined)?.name;

  it('lets an Admin rename the Organization and copy its permanent ID', async () => {
    const org = await makeOrganization();
    const visit = await signedIn(org.id, org.admin.userName);
    const { page, context } = visit;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: roster.url });
    await page.getByRole('heading', { level: 1, name: org.organization.name }).waitFor();
    await page.getByText(org.id).waitFor();

    const renamed = unique('Renamed');
    await page.getByLabel('Organization name').fill(renamed);
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('heading', { level: 1, name: renamed }).waitFor();
    assert.equal(await nameOf(org.id), renamed);

    await page.getByRole('button', { name: 'Copy Organization ID' }).click();
    await page.getByRole('button', { name: 'Copy Organization ID' }).filter({ hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), org.id);
    await checkPage(visit, 'organization');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: renamed }).waitFor();
  });

  it('deletes the Organization only once its exact name is typed, then leaves the console', async () => {
    const org = await makeOrganization();
    const visit = await signedIn(org.id, org.admin.userName);
    const { page } = visit;
    await page.getByRole('button', { name: 'Delete Organization' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete “${org.organization.name}”?` });
    const confirm = dialog.getByRole('button', { name: 'Delete this Organization' });
    assert.equal(await confirm.isDisabled(), true, 'nothing typed yet');
    await dialog.getByLabel('Type the Organization’s name to confirm').fill(org.organization.name.toUpperCase());
    assert.equal(await confirm.isDisabled(), true, 'a name in other letters is not the name');
    await dialog.getByLabel('Type the Organization’s name to confirm').fill(`${org.organization.name} `);
    assert.equal(await confirm.isDisabled(), true, 'nor is the name with a space after it');
    await dialog.getByLabel('Type the Organization’s name to confirm').fill(org.organization.name);
    assert.equal(await confirm.isDisabled(), false);
    await checkPage(visit, 'organization-delete-dialog');
    assert.equal(await nameOf(org.id), org.organization.name, 'nothing deleted before the click');

    await confirm.click();
    await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    assert.equal(await nameOf(org.id), undefined);
    assert.equal(await db()('members').where({ organization_id: org.id }).first(), undefined);
    await checkPage(visit, 'organization-deleted');
  });

  it('is neither shown to Billing and Members nor open to Billing', async () => {
    const org = await makeOrganization();
    const billing = await makeMember(org.id, { role: 'billing' });
    const member = await makeMember(org.id);

    const asBilling = await signedIn(org.id, billing.userName, '/');
    const nav = asBilling.page.getByRole('navigation', { name: 'Console' });
    await nav.getByRole('link', { name: 'My account' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Organization' }).count(), 0);
    await asBilling.page.goto('/organization');
    await asBilling.page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor();
    assert.equal(await asBilling.page.getByRole('button', { name: 'Delete Organization' }).count(), 0);
    await checkPage(asBilling, 'organization-forbidden');

    const asMember = await signedIn(org.id, member.userName, '/');
    await asMember.page.getByRole('heading', { name: 'My account' }).waitFor();
    assert.equal(await asMember.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Organization' }).count(), 0);

    const asAdmin = await signedIn(org.id, org.admin.userName, '/');
    await asAdmin.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Organization' }).click();
    await asAdmin.page.getByRole('heading', { level: 1, name: org.organization.name }).waitFor();
  });
});
