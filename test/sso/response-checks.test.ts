import assert from 'node:assert/strict';
import { assertResponsePolicy, inspectSamlResponse, SamlPolicyError, type ResponsePolicy, type SamlPolicyReason } from '../../src/sso/saml/response-checks.js';
import { createTestIdp, wrapSignature, type ResponseOptions, type TestIdp, type WrapVariant } from '../support/saml-idp.js';

const acsUrl = 'https://roster.test/sso/org_1/acs';
const audience = 'https://roster.test/sso/org_1';

describe('SAML response policy', () => {
  let idp: TestIdp;

  before(async () => {
    idp = await createTestIdp();
  });

  const xmlOf = (samlResponse: string) => Buffer.from(samlResponse, 'base64').toString('utf8');
  const respond = (options: Partial<ResponseOptions> = {}) => xmlOf(idp.response({ acsUrl, audience, nameId: 'ada@acme.test', sign: 'assertion', ...options }));

  const skewMs = 90_000;
  const policy = (now = new Date()): ResponsePolicy => ({ idpEntityId: idp.entityId, acsUrl, now, clockSkewMs: skewMs });

  /** The reason the policy (inspection, then the checks) refuses this XML for. */
  function reasonOf(xml: string, now?: Date): SamlPolicyReason {
    try {
      assertResponsePolicy(inspectSamlResponse(xml), policy(now));
    } catch (error) {
      assert.ok(error instanceof SamlPolicyError, `expected a SamlPolicyError, got ${String(error)}`);
      return error.reason;
    }
    throw new Error('expected the policy to refuse the response');
  }

  it('passes a good response and reads what the HTTP layer needs', () => {
    const notOnOrAfter = new Date(Date.now() + 5 * 60_000);
    const inspected = inspectSamlResponse(respond({ sign: 'both', inResponseTo: '_req1', assertionId: '_a1', responseId: '_r1', notOnOrAfter }));
    assert.deepEqual(inspected, {
      responseId: '_r1',
      responseSigned: true,
      destination: acsUrl,
      inResponseTo: '_req1',
      issuer: idp.entityId,
      assertionId: '_a1',
      assertionIssuer: idp.entityId,
      recipient: acsUrl,
      confirmationNotOnOrAfter: notOnOrAfter.toISOString(),
      subjectConfirmationMethod: 'urn:oasis:names:tc:SAML:2.0:cm:bearer',
      signatureAlgorithms: ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'],
      digestAlgorithms: ['http://www.w3.org/2001/04/xmlenc#sha256'],
      statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
    });
    assertResponsePolicy(inspected, policy());
  });

  it('passes a response without the optional Destination and Response Issuer', () => {
    const inspected = inspectSamlResponse(respond({ destination: null, responseIssuer: null }));
    assert.equal(inspected.destination, undefined);
    assert.equal(inspected.issuer, undefined);
    assert.equal(inspected.responseSigned, false);
    assertResponsePolicy(inspected, policy());
  });

  it('refuses a signed Response without Destination (SAML Bindings §3.5.5.2), signed alone or with its Assertion', () => {
    assert.equal(reasonOf(respond({ sign: 'response', destination: null })), 'missing_destination');
    assert.equal(reasonOf(respond({ sign: 'both', destination: null })), 'missing_destination');
    assert.equal(reasonOf(respond({ sign: 'response', destination: 'https://roster.test/sso/org_2/acs' })), 'wrong_destination');
  });

  it('tells a signed Response from one whose Assertion alone is signed', () => {
    assert.equal(inspectSamlResponse(respond({ sign: 'assertion' })).responseSigned, false);
    assert.equal(inspectSamlResponse(respond({ sign: 'response' })).responseSigned, true);
  });

  it('refuses a bearer confirmation past its NotOnOrAfter beyond the clock skew, whatever the Conditions say', () => {
    const now = new Date();
    const at = (ms: number) => new Date(now.getTime() + ms);
    const expiring = (subjectNotOnOrAfter: Date, inResponseTo?: string) =>
      respond({ subjectNotOnOrAfter, notOnOrAfter: at(5 * 60_000), ...(inResponseTo ? { inResponseTo } : {}) });
    assert.equal(reasonOf(expiring(at(-skewMs - 1000))), 'confirmation_expired');
    assert.equal(reasonOf(expiring(at(-skewMs - 1000), '_req1')), 'confirmation_expired');
    assert.equal(reasonOf(expiring(at(-skewMs)), now), 'confirmation_expired', 'NotOnOrAfter is exclusive');
    assertResponsePolicy(inspectSamlResponse(expiring(at(-skewMs + 1000))), policy(now));
    assertResponsePolicy(inspectSamlResponse(expiring(at(60_000))), policy(now));
  });

  it('refuses a bearer confirmation without a readable NotOnOrAfter (saml-profiles §4.1.4.2)', () => {
    assert.equal(reasonOf(respond({ subjectNotOnOrAfter: null })), 'confirmation_unbounded');
    assert.equal(reasonOf(respond().replace(/(<saml:SubjectConfirmationData[^>]*NotOnOrAfter=")[^"]*/, '$1tomorrow')), 'confirmation_unbounded');
  });

  it('refuses an assertion issued by another IdP, and a Response Issuer that differs', () => {
    assert.equal(reasonOf(respond({ issuer: 'https://other-idp.test' })), 'wrong_issuer');
    assert.equal(reasonOf(respond({ responseIssuer: 'https://other-idp.test' })), 'wrong_issuer');
  });

  it('refuses a response addressed to another ACS URL', () => {
    assert.equal(reasonOf(respond({ destination: 'https://roster.test/sso/org_2/acs' })), 'wrong_destination');
  });

  it('refuses an assertion whose Recipient is another ACS URL or missing', () => {
    assert.equal(reasonOf(respond({ recipient: 'https://roster.test/sso/org_2/acs' })), 'wrong_recipient');
    assert.equal(reasonOf(respond().replace(/ Recipient="[^"]*"/, '')), 'wrong_recipient');
  });

  it('refuses a subject confirmation that is not bearer', () => {
    assert.equal(reasonOf(respond({ subjectConfirmationMethod: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key' })), 'not_bearer');
  });

  it('refuses SHA-1 signatures and digests', () => {
    assert.equal(reasonOf(respond({ signatureAlgorithm: 'sha1' })), 'sha1_refused');
    assert.equal(reasonOf(respond({ sign: 'both', signatureAlgorithm: 'sha1' })), 'sha1_refused');
    assert.equal(reasonOf(respond().replace('http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2000/09/xmldsig#sha1')), 'sha1_refused');
  });

  it('refuses a status other than Success, with or without an assertion', () => {
    const requester = 'urn:oasis:names:tc:SAML:2.0:status:Requester';
    assert.equal(reasonOf(respond({ status: requester })), 'not_success');
    assert.equal(reasonOf(respond({ status: requester, sign: 'none' }).replace(/<saml:Assertion[\s\S]*<\/saml:Assertion>/, '')), 'not_success');
  });

  it('refuses a response without an assertion, or with an encrypted one', () => {
    const xml = respond({ sign: 'none' });
    assert.equal(reasonOf(xml.replace(/<saml:Assertion[\s\S]*<\/saml:Assertion>/, '')), 'no_assertion');
    assert.equal(
      reasonOf(xml.replace(/<saml:Assertion[\s\S]*<\/saml:Assertion>/, '<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/>')),
      'encrypted_assertion',
    );
  });

  it('refuses two assertions, side by side or one hidden in Extensions, Advice or StatusDetail', () => {
    assert.equal(reasonOf(respond({ extraAssertion: 'unsigned-sibling' })), 'several_assertions');
    assert.equal(reasonOf(respond({ extraAssertion: 'unsigned-first' })), 'several_assertions');
    const signed = idp.response({ acsUrl, audience, nameId: 'ada@acme.test', sign: 'assertion' });
    const variants: [WrapVariant, SamlPolicyReason][] = [
      ['assertion-in-extensions', 'several_assertions'],
      ['assertion-in-advice', 'several_assertions'],
      ['assertion-in-status-detail', 'several_assertions'],
      ['duplicate-id', 'duplicate_id'],
    ];
    for (const [variant, reason] of variants) assert.equal(reasonOf(xmlOf(wrapSignature(signed, variant))), reason, variant);
  });

  it('refuses an assertion that is not directly inside the Response', () => {
    const xml = respond({ sign: 'none' }).replace(/(<saml:Assertion[\s\S]*<\/saml:Assertion>)/, '<samlp:Extensions>$1</samlp:Extensions>');
    assert.equal(reasonOf(xml), 'malformed');
  });

  it('refuses DOCTYPE and entity declarations before parsing (XXE, entity expansion)', () => {
    const body = respond().replace(/^<\?xml[^>]*>/, '');
    assert.equal(reasonOf(`<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${body}`), 'doctype');
    assert.equal(reasonOf(`<!doctype r [<!entity a "aaaaaaaa"><!entity b "&a;&a;&a;&a;&a;">]>${body}`), 'doctype');
    // Not even an otherwise empty, internal DOCTYPE.
    assert.equal(reasonOf(`<!DOCTYPE samlp:Response>${body}`), 'doctype');
  });

  it('refuses malformed XML and documents that are not a Response', () => {
    for (const xml of [
      '',
      'SAMLResponse',
      respond().slice(0, 300),
      '<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"/>',
      respond().replace('<samlp:Response ', '<samlp:Response ID="_x" '),
    ]) {
      assert.equal(reasonOf(xml), 'malformed', xml.slice(0, 60));
    }
  });
});
