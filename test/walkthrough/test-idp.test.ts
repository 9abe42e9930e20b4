import assert from 'node:assert/strict';
import request from 'supertest';
import { createTxtLookup } from '../../src/dns/txt-resolver.js';
import { claimDomain, recordDomainCheck } from '../../src/org/domains/domains.service.js';
import { saveSsoConnection, updateSsoSettings } from '../../src/org/sso-connections/sso-connections.service.js';
import { parseIdpMetadata } from '../../src/sso/saml/metadata.js';
import { authApp } from '../support/auth.js';
import { makeOrganization, system, tx, unique } from '../support/factories.js';
import { postToAcs } from '../support/sso.js';
import { startLocalIdp, type LocalIdp } from './test-idp.js';

/** The walk-through's local IdP, against Roster in process (run.sh drives it against `npm start`). */
describe('the walk-through’s local test IdP', () => {
  let local: LocalIdp;
  before(async () => {
    local = await startLocalIdp(0);
  });
  after(() => local.close());

  it('publishes metadata Roster accepts: its http endpoint is on loopback', async () => {
    const metadata = parseIdpMetadata(await (await fetch(`${local.url}/metadata`)).text());
    assert.equal(metadata.entityId, `${local.url}/metadata`);
    assert.equal(metadata.ssoUrl, `${local.url}/sso`);
    assert.equal(metadata.certificates.length, 1);
  });

  it('answers DNS on its port with the TXT records posted to it', async () => {
    const name = `${unique('dns')}.test`;
    const posted = await fetch(`${local.url}/dns`, { method: 'POST', body: JSON.stringify({ name, type: 'TXT', value: 'roster-verification=abc' }) });
    assert.equal(posted.status, 200);
    assert.deepEqual(await createTxtLookup([`127.0.0.1:${local.port}`])(name), [['roster-verification=abc']]);
  });

  it('answers Roster’s AuthnRequest with a signed Response that signs the person in', async () => {
    const app = authApp();
    const org = await makeOrganization();
    const domain = `${unique('corp')}.test`;
    const claimed = await tx((t) => claimDomain(t, system, org.id, domain));
    await tx((t) => recordDomainCheck(t, system, org.id, claimed.id, { domain, token: claimed.verificationToken, verified: true, reason: null }));
    const metadata = parseIdpMetadata(await (await fetch(`${local.url}/metadata`)).text());
    await tx((t) => saveSsoConnection(t, system, org.id, { idpEntityId: metadata.entityId, ssoUrl: metadata.ssoUrl, certificates: metadata.certificates }));
    await tx((t) => updateSsoSettings(t, system, org.id, { enabled: true, jitEnabled: true }));

    const login = await request(app).get(`/sso/${org.id}/login`).expect(302);
    const location = String(login.headers.location);
    assert.ok(location.startsWith(`${local.url}/sso?SAMLRequest=`));
    const page = await fetch(location);
    assert.match(await page.text(), /name="email"/, 'without an email, a page asks for one');

    const email = `grace@${domain}`;
    const answer = (await (await fetch(`${location}&email=${encodeURIComponent(email)}`, { headers: { Accept: 'application/json' } })).json()) as Record<
      string,
      string
    >;
    assert.equal(answer.acsUrl, `https://roster.example.test/sso/${org.id}/acs`);
    const signedIn = await postToAcs(app, org.id, answer.SAMLResponse!).expect(200);
    assert.equal(signedIn.body.organizationId, org.id);
    assert.ok(signedIn.body.token);
    await postToAcs(app, org.id, answer.SAMLResponse!).expect(401);
  });
});
