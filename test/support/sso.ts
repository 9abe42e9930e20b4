import { inflateRawSync } from 'node:zlib';
import type { Express } from 'express';
import request from 'supertest';
import { claimDomain, recordDomainCheck } from '../../src/org/domains/domains.service.js';
import { saveSsoConnection, updateSsoSettings } from '../../src/org/sso-connections/sso-connections.service.js';
import type { SsoSettings } from '../../src/org/sso-connections/types.js';
import { serviceProviderOf, type ServiceProvider } from '../../src/sso/saml/service-provider.js';
import { makeOrganization, system, tx, unique, type TestOrganization } from './factories.js';
import { certBody, createTestIdp, type ResponseOptions, type TestIdp } from './saml-idp.js';
import { publicUrl } from './scim.js';

export interface SsoOrganization extends TestOrganization {
  idp: TestIdp;
  sp: ServiceProvider;
  /** A domain the Organization has verified. */
  domain: string;
  /** An address on it. */
  email(): string;
  /** A response from the test IdP for this Organization's SP, signed on the assertion unless told otherwise. */
  response(options: Partial<ResponseOptions> & { nameId?: string }): string;
}

/** An Organization with a verified domain and a SAML connection to a fresh test IdP, switched on (JIT too) unless `settings` say otherwise. */
export async function ssoOrganization(settings: Partial<SsoSettings> = {}): Promise<SsoOrganization> {
  const org = await makeOrganization();
  const idp = await createTestIdp();
  const domain = `${unique('corp')}.test`;
  const claimed = await tx((t) => claimDomain(t, system, org.id, domain));
  await tx((t) => recordDomainCheck(t, system, org.id, claimed.id, { domain, token: claimed.verificationToken, verified: true, reason: null }));
  await tx((t) => saveSsoConnection(t, system, org.id, { idpEntityId: idp.entityId, ssoUrl: idp.ssoUrl, certificates: [certBody(idp.cert)] }));
  await tx((t) => updateSsoSettings(t, system, org.id, { enabled: true, jitEnabled: true, ...settings }));
  const sp = serviceProviderOf(publicUrl, org.id);
  return {
    ...org,
    idp,
    sp,
    domain,
    email: () => `${unique('person')}@${domain}`,
    response: (options) =>
      idp.response({ acsUrl: sp.acsUrl, audience: sp.entityId, sign: 'assertion', nameId: options.nameId ?? `${unique('person')}@${domain}`, ...options }),
  };
}

/** SP-initiated sign-in, step one: Roster redirects to the IdP; answers the AuthnRequest's ID. */
export async function startLogin(app: Express, org: SsoOrganization, relayState?: string): Promise<{ requestId: string; location: string }> {
  const response = await request(app)
    .get(`/sso/${org.id}/login${relayState ? `?RelayState=${encodeURIComponent(relayState)}` : ''}`)
    .expect(302);
  const location = new URL(response.headers.location!);
  const xml = inflateRawSync(Buffer.from(location.searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
  return { requestId: /\bID="([^"]+)"/.exec(xml)![1]!, location: location.toString() };
}

/** What the IdP makes the browser POST to the ACS. */
export function postToAcs(app: Express, organizationId: string, samlResponse: string, options: { relayState?: string; json?: boolean } = {}) {
  const test = request(app)
    .post(`/sso/${organizationId}/acs`)
    .type('form')
    .send({ SAMLResponse: samlResponse, ...(options.relayState ? { RelayState: options.relayState } : {}) });
  return options.json === false ? test : test.set('Accept', 'application/json');
}
