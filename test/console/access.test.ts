import assert from 'node:assert/strict';
import { claimDomain, recordDomainCheck } from '../../src/org/domains/domains.service.js';
import { setSeatLimit } from '../../src/org/seats/seats.service.js';
import { createOperatorSignInLink } from '../../src/sso/sign-in.service.js';
import { checkPage, describeInBrowser, startRosterInBrowser, type ConsolePage, type RosterInBrowser } from '../support/browser.js';
import { db } from '../support/database.js';
import { makeMember, makeOrganization, system, tx, unique, type TestOrganization } from '../support/factories.js';
import { startLocalIdp, type LocalIdp } from '../walkthrough/test-idp.js';
import { inTransaction } from '../../src/db/transaction.js';

describeInBrowser('the console’s Access pages: SAML SSO, domains and SCIM tokens', function () {
  this.timeout(90_000);
  let idp: LocalIdp;
  let roster: RosterInBrowser;
  before(async () => {
    // The local test IdP also answers DNS: Roster checks TXT records there.
    idp = await startLocalIdp();
    roster = await startRosterInBrowser({ dnsServers: idp.dns.servers });
  });
  after(async () => {
    await roster?.close();
    await idp?.close();
  });

  /** A fresh browser signed in as `email` of `organizationId`, the way an operator lets someone in. */
  async function signedIn(organizationId: string, email: string): Promise<ConsolePage> {
    const link = await inTransaction(db(), (t) => createOperatorSignInLink(t, { organizationId, email, publicUrl: roster.url }));
    const visit = await roster.newPage();
    await visit.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: roster.url });
    await visit.page.goto(link.url);
    await visit.page.getByRole('button', { name: 'Sign in to Roster' }).click();
    await visit.page.getByRole('navigation', { name: 'Console' }).waitFor();
    return visit;
  }

  async function openAccess(visit: ConsolePage, tab: 'SSO' | 'Domains' | 'SCIM'): Promise<void> {
    await visit.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Access' }).click();
    await visit.page.getByRole('heading', { name: 'Access', level: 1 }).waitFor();
    await visit.page.getByRole('tab', { name: tab }).click();
  }

  const clipboard = (visit: ConsolePage) => visit.page.evaluate(() => navigator.clipboard.readText());

  async function withVerifiedDomain(org: TestOrganization): Promise<string> {
    const domain = `${unique('corp')}.test`;
    const claimed = await tx((t) => claimDomain(t, system, org.id, domain));
    await tx((t) => recordDomainCheck(t, system, org.id, claimed.id, { domain, token: claimed.verificationToken, verified: true, reason: null }));
    return domain;
  }

  /** What the sign-in page's home realm discovery answers for `email`. */
  const discover = async (email: string) => {
    const answer = await fetch(`${roster.url}/auth/sso/discover`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    assert.equal(answer.status, 200);
    return (await answer.json()) as { sso: boolean; loginUrl: string | null };
  };
  const storedEnabled = async (organizationId: string) =>
    ((await db()('sso_connections').where({ organization_id: organizationId }).first('enabled')) as { enabled: boolean }).enabled;

  it('connects SAML SSO from an uploaded metadata file switched off, switches SSO, JIT and automatic seats on, and shows the last sign-ins through the IdP', async () => {
    const org = await makeOrganization();
    const domain = await withVerifiedDomain(org);
    await tx((t) => setSeatLimit(t, system, org.id, 'chat', 5));
    const admin = await signedIn(org.id, org.admin.userName);
    const { page } = admin;
    await openAccess(admin, 'SSO');
    await page.getByRole('heading', { name: 'Identity provider', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Copy ACS URL' }).click();
    await page.getByRole('button', { name: 'Copy ACS URL' }).filter({ hasText: 'Copied' }).waitFor();
    assert.equal(await clipboard(admin), `${roster.url}/sso/${org.id}/acs`);
    await checkPage(admin, 'access-sso-empty');

    // A URL that is not public is refused by the server, and the page says why.
    await page.getByRole('textbox', { name: 'Metadata URL (https)' }).fill('https://127.0.0.1/metadata');
    await page.getByRole('button', { name: 'Fetch metadata' }).click();
    await page.getByRole('alert').filter({ hasText: 'metadata_url_not_public' }).waitFor();

    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Choose a metadata file' }).click();
    await (await chooser).setFiles({ name: 'idp-metadata.xml', mimeType: 'application/xml', buffer: Buffer.from(idp.idp.metadataXml()) });
    await page.getByRole('button', { name: 'Upload metadata' }).click();
    const connected = page.getByRole('region', { name: 'Identity provider', exact: true });
    await connected.filter({ hasText: 'SSO off' }).waitFor();
    assert.match(await connected.innerText(), new RegExp(`${idp.url}/metadata`));

    // A new connection starts switched off: the IdP can be checked first, nobody is sent to it yet.
    const enabled = page.getByRole('switch', { name: 'SSO enabled' });
    assert.equal(await enabled.getAttribute('aria-checked'), 'false');
    assert.equal(await storedEnabled(org.id), false);
    assert.deepEqual(await discover(`${unique('erin')}@${domain}`), { sso: false, enforced: false, loginUrl: null });
    await checkPage(admin, 'access-sso-off');
    await enabled.click();
    await page.getByRole('switch', { name: 'SSO enabled', checked: true }).waitFor();
    await connected.filter({ hasText: 'SSO on' }).waitFor();
    assert.equal(await storedEnabled(org.id), true);
    assert.equal((await discover(`${unique('erin')}@${domain}`)).loginUrl, `${roster.url}/sso/${org.id}/login`);

    // Someone on the verified domain signs in through the IdP in another browser (SP-initiated):
    // with JIT off an unknown person is refused, and the page says why.
    const signInThroughIdp = async (email: string) => {
      const person = await roster.newPage();
      await person.page.goto(`${roster.url}/sso/${org.id}/login`);
      await person.page.getByRole('textbox', { name: 'Sign in as (email)' }).fill(email);
      await person.page.getByRole('button', { name: 'Sign in' }).click();
      return person.page;
    };
    const refused = await signInThroughIdp(`${unique('dave')}@${domain}`);
    await refused.waitForURL(`${roster.url}/sso/${org.id}/acs`);
    await page.reload();
    const recent = page.getByRole('region', { name: 'Recent sign-ins' });
    await recent.filter({ hasText: 'Why it failed' }).waitFor();
    assert.match(await recent.innerText(), /Last successful sign-in\s*None yet/);

    const jit = page.getByRole('switch', { name: 'Create members on first sign-in (JIT)' });
    assert.equal(await jit.getAttribute('aria-checked'), 'false');
    await jit.click();
    await page.getByRole('switch', { name: 'Create members on first sign-in (JIT)', checked: true }).waitFor();
    await page.getByRole('switch', { name: 'Assign seats automatically' }).click();
    await page.getByRole('switch', { name: 'Assign seats automatically', checked: true }).waitFor();
    await page.getByRole('checkbox', { name: 'chat (5 available)' }).click();
    await page.getByRole('checkbox', { name: 'chat (5 available)', checked: true }).waitFor();
    await checkPage(admin, 'access-sso-connected');

    const welcomed = await signInThroughIdp(`${unique('carol')}@${domain}`);
    await welcomed.getByRole('navigation', { name: 'Console' }).waitFor();
    await page.reload();
    await recent.waitFor();
    assert.doesNotMatch(await recent.innerText(), /None yet/);
    await page.getByRole('checkbox', { name: 'chat (4 available)', checked: true }).waitFor();
    await checkPage(admin, 'access-sso-signed-in');

    // The emergency switch: off, the IdP signs nobody in and discovery offers no SSO; the settings stay.
    await page.getByRole('switch', { name: 'SSO enabled' }).click();
    await page.getByRole('switch', { name: 'SSO enabled', checked: false }).waitFor();
    await connected.filter({ hasText: 'SSO off' }).waitFor();
    assert.equal(await storedEnabled(org.id), false);
    assert.equal((await discover(`${unique('erin')}@${domain}`)).sso, false);
    await page.getByRole('switch', { name: 'Create members on first sign-in (JIT)', checked: true }).waitFor();
  });

  it('verifies a domain against its TXT record on a local DNS server, then turns auto-join on', async () => {
    const org = await makeOrganization();
    const admin = await signedIn(org.id, org.admin.userName);
    const { page } = admin;
    await openAccess(admin, 'Domains');
    const domain = `${unique('acme')}.test`;
    await page.getByRole('textbox', { name: 'Domain' }).fill(domain);
    await page.getByRole('button', { name: 'Add domain' }).click();
    const panel = page.getByRole('region', { name: new RegExp(domain.replace(/\./g, '\\.')) });
    await panel.getByRole('heading', { name: `${domain} Not verified yet` }).waitFor();
    await panel.getByRole('button', { name: `Copy TXT record value for ${domain}` }).click();
    const value = await clipboard(admin);
    assert.match(value, /^roster-verification=/);
    await checkPage(admin, 'access-domains-pending');

    await panel.getByRole('button', { name: `Verify ${domain}` }).click();
    await panel.filter({ hasText: /Last checked/ }).waitFor();

    idp.dns.setTxt(domain, [value]);
    await panel.getByRole('button', { name: `Verify ${domain}` }).click();
    await panel.getByRole('heading', { name: `${domain} Verified` }).waitFor();
    const autoJoin = panel.getByRole('switch', { name: `Auto-join for ${domain}` });
    await autoJoin.click();
    await panel.getByRole('switch', { name: `Auto-join for ${domain}`, checked: true }).waitFor();
    await checkPage(admin, 'access-domains-verified');
  });

  it('shows a new SCIM token once, with a copy button, and afterwards only its prefix', async () => {
    const org = await makeOrganization();
    const admin = await signedIn(org.id, org.admin.userName);
    const { page } = admin;
    await openAccess(admin, 'SCIM');
    await page.getByRole('button', { name: 'Copy SCIM base URL' }).click();
    assert.equal(await clipboard(admin), `${roster.url}/scim/v2`);

    await page.getByRole('textbox', { name: 'Token name' }).fill('Okta');
    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Token “Okta” created' });
    await dialog.filter({ hasText: 'You will not see it again' }).waitFor();
    await dialog.getByRole('button', { name: 'Copy SCIM token' }).click();
    await dialog.getByRole('button', { name: 'Copy SCIM token' }).filter({ hasText: 'Copied' }).waitFor();
    const token = await clipboard(admin);
    assert.match(token, /^roster_scim_/);
    assert.ok((await dialog.innerText()).includes(token));
    await checkPage(admin, 'access-scim-token-shown');

    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: /Okta/ });
    const prefix = (await row.getByRole('cell').nth(1).innerText()).replace('…', '');
    assert.ok(token.startsWith(prefix) && prefix.length < token.length, 'the list shows the prefix');
    assert.ok(!(await page.getByRole('main').innerText()).includes(token), 'the token itself is gone from the page');
    await checkPage(admin, 'access-scim');

    // A destructive button is outlined: its red text stands on the page's white, not on red.
    const colours = await row.getByRole('button', { name: 'Revoke Okta' }).evaluate((button) => {
      const style = getComputedStyle(button);
      return { text: style.color, ground: style.backgroundColor };
    });
    assert.notEqual(colours.text, colours.ground, JSON.stringify(colours));
    assert.equal(colours.ground, 'rgb(255, 255, 255)');
    await row.getByRole('button', { name: 'Revoke Okta' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('cell', { name: /^Revoked/ }).waitFor();
  });

  it('is not offered to Billing or Members, and the server’s 403 shows as “Not allowed” if they go there', async () => {
    const org = await makeOrganization();
    for (const role of ['member', 'billing'] as const) {
      const someone = await makeMember(org.id, { role });
      const visit = await signedIn(org.id, someone.userName);
      assert.equal(await visit.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Access' }).count(), 0, role);
      await visit.page.goto('/access');
      await visit.page.getByRole('alert').filter({ hasText: 'Not allowed' }).first().waitFor();
      if (role === 'billing') await checkPage(visit, 'access-not-allowed');
    }
  });
});
