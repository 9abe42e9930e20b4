import assert from 'node:assert/strict';
import { setSeatLimit } from '../../src/org/seats/seats.service.js';
import { updateSsoSettings } from '../../src/org/sso-connections/sso-connections.service.js';
import { checkPage, describeInBrowser, type ConsolePage, useRosterInBrowser } from '../support/browser.js';
import { apiSession, followMailedSignIn, linkFromOutbox, signInInBrowser } from '../support/console-flows.js';
import { makeOrganization, system, tx, unique } from '../support/factories.js';
import { expireInvitation } from '../support/invitations.js';
import { ssoOrganization } from '../support/sso.js';

describeInBrowser('the join page in a browser', function () {
  this.timeout(60_000);
  const roster = useRosterInBrowser();

  /** An Admin's invitation through the API; answers the join link mailed and the Admin's API. */
  async function invited(org: { id: string; admin: { userName: string } }, email: string, body: object = {}) {
    const api = await apiSession(roster.url, org.id, org.admin.userName);
    const answer = await api('/invitations', { method: 'POST', body: { emails: [email], role: 'member', ...body } });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return { api, id: answer.body.invitations[0].id as string, link: await linkFromOutbox(email, '/join/') };
  }

  async function opened(link: string, heading: string): Promise<ConsolePage> {
    const visit = await roster.newPage();
    await visit.page.goto(link);
    await visit.page.getByRole('heading', { name: heading }).waitFor();
    return visit;
  }

  it('lets a new person create an account from the invitation, join, and land in the console with the role and seat', async () => {
    const org = await makeOrganization();
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
    const email = `${unique('newcomer')}@example.test`;
    const { api, link } = await invited(org, email, { role: 'billing', seats: ['chat'] });
    assert.match(link, /\/join\/roster_invite_/);

    const visit = await opened(link, `Join ${org.organization.name}`);
    const { page } = visit;
    assert.match(await page.getByRole('main').innerText(), /Billing[\s\S]*chat[\s\S]*newcomer/);
    await checkPage(visit, 'join');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByText('Check your mail').waitFor();
    await checkPage(visit, 'join-check-your-mail');

    await followMailedSignIn(page, email);
    await page.getByRole('button', { name: `Join ${org.organization.name}` }).click();
    await page.getByLabel('First name').fill('Nora');
    await page.getByLabel('Last name').fill('Newcomer');
    await checkPage(visit, 'join-your-name');
    await page.getByRole('button', { name: 'Save and open the console' }).click();
    await page.getByRole('heading', { name: 'Welcome, Nora Newcomer' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    assert.match(await page.getByRole('region', { name: 'My account' }).innerText(), /Billing[\s\S]*chat/);

    const members = await api(`/members?q=${encodeURIComponent(email)}`);
    assert.equal(members.body.members.length, 1);
    assert.equal(members.body.members[0].role, 'billing');
    assert.deepEqual(members.body.members[0].seats, ['chat']);
    assert.equal(members.body.members[0].lastName, 'Newcomer');
  });

  it('opens the older /join?token=… links on the same page', async () => {
    const org = await makeOrganization();
    const { link } = await invited(org, `${unique('old')}@example.test`);
    const token = new URL(link).pathname.slice('/join/'.length);
    const visit = await opened(`/join?token=${token}`, `Join ${org.organization.name}`);
    assert.equal(new URL(visit.page.url()).pathname, `/join/${token}`);
  });

  it('explains an expired link, and what to do', async () => {
    const org = await makeOrganization();
    const { id, link } = await invited(org, `${unique('late')}@example.test`);
    await expireInvitation(id);
    const visit = await opened(link, 'This invitation has expired');
    assert.match(await visit.page.getByRole('main').innerText(), /resend/);
    await checkPage(visit, 'join-expired');
  });

  it('explains a revoked link', async () => {
    const org = await makeOrganization();
    const { api, id, link } = await invited(org, `${unique('gone')}@example.test`);
    assert.equal((await api(`/invitations/${id}`, { method: 'DELETE' })).status, 204);
    const visit = await opened(link, 'This invitation was withdrawn');
    assert.match(await visit.page.getByRole('main').innerText(), /invite you again/);
    await checkPage(visit, 'join-revoked');
  });

  it('explains a link that was already used, and one that was replaced by a resend', async () => {
    const org = await makeOrganization();
    const email = `${unique('twice')}@example.test`;
    const { link } = await invited(org, email);
    const first = await opened(link, `Join ${org.organization.name}`);
    await first.page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await first.page.getByText('Check your mail').waitFor();
    await followMailedSignIn(first.page, email);
    await first.page.getByRole('button', { name: `Join ${org.organization.name}` }).click();
    await first.page.getByLabel('First name').waitFor();

    const used = await opened(link, 'This invitation was already used');
    await checkPage(used, 'join-used');

    const other = `${unique('resent')}@example.test`;
    const resent = await invited(org, other);
    assert.equal((await resent.api(`/invitations/${resent.id}/resend`, { method: 'POST' })).status, 200);
    const replaced = await opened(resent.link, 'This invitation link does not work');
    await checkPage(replaced, 'join-unknown');
  });

  it('explains that someone signed in as another address must sign out first, and lets them', async () => {
    const org = await makeOrganization();
    const { link } = await invited(org, `${unique('invitee')}@example.test`);
    const visit = await roster.newPage();
    await signInInBrowser(visit.page, org.admin.userName);
    await visit.page.getByRole('heading', { name: 'My account' }).waitFor();
    await visit.page.goto(link);
    await visit.page.getByText('This invitation is for another address').waitFor();
    await checkPage(visit, 'join-wrong-address');
    await visit.page.getByRole('button', { name: /^Sign out and continue as/ }).click();
    await visit.page.getByRole('button', { name: 'Email me a sign-in link' }).waitFor();
  });

  it('explains that an address whose domain enforces SSO signs in with SSO instead', async () => {
    const org = await ssoOrganization();
    const { link } = await invited(org, org.email());
    await tx((t) => updateSsoSettings(t, system, org.id, { enforced: true }));
    const visit = await opened(link, `${org.domain} addresses sign in with SSO`);
    assert.equal(await visit.page.getByRole('link', { name: 'Continue with SSO' }).count(), 1);
    await checkPage(visit, 'join-sso-required');
  });
});
