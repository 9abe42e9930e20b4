import assert from 'node:assert/strict';
import { linkMailedTo } from '../support/auth.js';
import { checkPage, describeInBrowser, startRosterInBrowser, useRosterInBrowser } from '../support/browser.js';
import { makeOrganization, unique } from '../support/factories.js';

describeInBrowser('the console in a browser: frame, navigation, sign-out', function () {
  this.timeout(60_000);
  const roster = useRosterInBrowser();

  it('sends someone who is not signed in to the sign-in page, remembering where they were going', async () => {
    const visit = await roster.newPage();
    await visit.page.goto('/');
    await visit.page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    assert.equal(new URL(visit.page.url()).pathname, '/sign-in');
    assert.equal(new URL(visit.page.url()).searchParams.get('next'), '/');
    await checkPage(visit, 'sign-in');
  });

  it('shows an Admin the console with their role, and signs them out from the account menu', async () => {
    const org = await makeOrganization();
    const email = org.admin.userName;
    const visit = await roster.newPage();
    const { page } = visit;
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();

    await page.goto((await linkMailedTo(email)).url);
    await page.getByRole('button', { name: 'Sign in to Roster' }).click();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    const account = page.getByRole('region', { name: 'My account' });
    assert.match(await account.innerText(), new RegExp(`${org.organization.name}[\\s\\S]*${email.replace('.', '\\.')}[\\s\\S]*Admin`));
    assert.equal(await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Home' }).count(), 1);
    await checkPage(visit, 'console-home');

    await page.getByRole('button', { name: `Account: ${email}` }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).waitFor();
    await checkPage(visit, 'account-menu');
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
  });

  it('reports what the page’s Content-Security-Policy refuses (an inline style without the nonce)', async () => {
    const visit = await roster.newPage();
    await visit.page.goto('/sign-in');
    await visit.page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    const refused = visit.page.waitForEvent('console', (message) => /Content Security Policy/.test(message.text()));
    await visit.page.evaluate(() => document.head.append(Object.assign(document.createElement('style'), { textContent: 'body { color: red }' })));
    await refused;
    assert.ok(
      visit.problems.some((problem) => /Content Security Policy/.test(problem)),
      visit.problems.join('\n'),
    );
  });

  it('shows an API error in plain words with its status, code and numbers', async () => {
    const limited = await startRosterInBrowser({ signInRateLimit: 1 });
    try {
      const visit = await limited.newPage();
      const { page } = visit;
      await page.goto('/sign-in');
      await page.getByLabel('Email').fill(`${unique('eager')}@example.test`);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Use another address' }).click();
      await page.getByLabel('Email').fill(`${unique('eager')}@example.test`);
      await page.getByRole('button', { name: 'Continue' }).click();
      const notice = page.getByRole('alert');
      await notice.getByText('Too many attempts').waitFor();
      const text = await notice.innerText();
      assert.match(text, /Wait \d+ seconds, then try again/);
      assert.match(text, /limit\s*:?\s*1/);
      assert.match(text, /429 · rate_limited/);
      await checkPage(visit, 'error-notice');
    } finally {
      await limited.close();
    }
  });

  it('shows a page of its own for a console address that does not exist', async () => {
    const visit = await roster.newPage();
    await visit.page.goto('/no/such/page');
    await visit.page.getByRole('heading', { name: 'No such page' }).waitFor();
    await checkPage(visit, 'not-found');
  });
});
