import assert from 'node:assert/strict';
import { updateSsoSettings } from '../../src/org/sso-connections/sso-connections.service.js';
import { checkPage, describeInBrowser, useRosterInBrowser } from '../support/browser.js';
import { followMailedSignIn, linkFromOutbox, signInInBrowser } from '../support/console-flows.js';
import { db } from '../support/database.js';
import { makeOrganization, system, tx } from '../support/factories.js';
import { ssoOrganization } from '../support/sso.js';

describeInBrowser('the sign-in page in a browser', function () {
  this.timeout(60_000);
  const roster = useRosterInBrowser();

  it('signs a member in with the email link from the local outbox and lands in the console', async () => {
    const org = await makeOrganization();
    const visit = await roster.newPage();
    await signInInBrowser(visit.page, org.admin.userName);
    await visit.page.getByRole('heading', { name: 'My account' }).waitFor();
    assert.equal(new URL(visit.page.url()).pathname, '/');
  });

  it('says on the sign-in page when a link was already used, or has expired', async () => {
    const org = await makeOrganization();
    const email = org.admin.userName;
    const visit = await roster.newPage();
    await signInInBrowser(visit.page, email);
    await visit.page.getByRole('heading', { name: 'My account' }).waitFor();
    const used = await linkFromOutbox(email, '/auth/email/verify');

    const again = await roster.newPage();
    await again.page.goto(used);
    await again.page.getByText('This sign-in link was already used').waitFor();
    assert.equal(new URL(again.page.url()).pathname, '/sign-in');
    await checkPage(again, 'sign-in-link-used');

    await again.page.getByLabel('Email').fill(email);
    await again.page.getByRole('button', { name: 'Continue' }).click();
    await again.page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    await checkPage(again, 'sign-in-check-your-mail');
    await db()('sign_in_links')
      .where({ email })
      .whereNull('used_at')
      .update({ expires_at: db().raw("now() - interval '1 minute'") });
    await again.page.goto(await linkFromOutbox(email, '/auth/email/verify'));
    await again.page.getByText('This sign-in link has expired').waitFor();
    await checkPage(again, 'sign-in-link-expired');
  });

  it('offers "Continue with SSO" for an address whose domain has SSO, beside the email link', async () => {
    const org = await ssoOrganization();
    const visit = await roster.newPage();
    await visit.page.goto('/sign-in?next=%2F');
    await visit.page.getByLabel('Email').fill(org.email());
    await visit.page.getByRole('button', { name: 'Continue' }).click();
    const sso = visit.page.getByRole('link', { name: 'Continue with SSO' });
    await sso.waitFor();
    assert.equal(await sso.getAttribute('href'), `${roster.url}/sso/${org.id}/login`);
    assert.equal(await visit.page.getByRole('button', { name: 'Email me a sign-in link instead' }).count(), 1);
    await checkPage(visit, 'sign-in-sso');
  });

  it('sends an address whose domain enforces SSO straight to its identity provider', async () => {
    const org = await ssoOrganization();
    await tx((t) => updateSsoSettings(t, system, org.id, { enforced: true }));
    const visit = await roster.newPage();
    await visit.page.goto('/sign-in?next=%2Fmembers');
    await visit.page.getByLabel('Email').fill(org.email());
    // The test IdP's address does not resolve here: the request the browser makes to it is the proof.
    const toIdp = visit.page.waitForRequest((request) => request.url().startsWith(org.idp.ssoUrl));
    await visit.page.getByRole('button', { name: 'Continue' }).click();
    const arrived = new URL((await toIdp).url());
    assert.ok(arrived.searchParams.get('SAMLRequest'));
    assert.equal(arrived.searchParams.get('RelayState'), '/members');
  });

  it('works from the keyboard alone', async () => {
    const org = await makeOrganization();
    const visit = await roster.newPage();
    const { page } = visit;
    await page.goto('/sign-in');
    await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'email');
    await page.keyboard.type(org.admin.userName);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    await page.goto(await linkFromOutbox(org.admin.userName, '/auth/email/verify'));
    await page.getByRole('button', { name: 'Sign in to Roster' }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'My account' }).waitFor();
  });

  it('keeps a signed-out visitor’s destination through the whole email sign-in', async () => {
    const org = await makeOrganization();
    const visit = await roster.newPage();
    await visit.page.goto('/sign-in?next=%2Fsomewhere%3Fx%3D1');
    await visit.page.getByLabel('Email').fill(org.admin.userName);
    await visit.page.getByRole('button', { name: 'Continue' }).click();
    await visit.page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    await followMailedSignIn(visit.page, org.admin.userName);
    await visit.page.getByRole('heading', { name: 'No such page' }).waitFor();
    assert.equal(new URL(visit.page.url()).pathname + new URL(visit.page.url()).search, '/somewhere?x=1');
  });
});
