import assert from 'node:assert/strict';
import { SAML, ValidateInResponseTo, type Profile, type SamlConfig } from '@node-saml/node-saml';
import { SignedXml } from 'xml-crypto';
import { DOMParser } from '@xmldom/xmldom';
import { parseIdpMetadata } from '../../src/sso/saml/metadata.js';
import { assertResponsePolicy, inspectSamlResponse } from '../../src/sso/saml/response-checks.js';
import {
  attackerNameId,
  createTestIdp,
  generateKeyPair,
  tamper,
  wrapSignature,
  type ResponseOptions,
  type TestIdp,
  type TestKeyPair,
  type WrapVariant,
} from '../support/saml-idp.js';
import { samlifyLoginResponse } from '../support/samlify-idp.js';

/**
 * The test IdPs against node-saml configured as Roster configures it (SAML-NOTES): what it
 * accepts, what it rejects, and what it leaves to Roster's own policy. Rejections are asserted by
 * "throws", not by message, so a reworded error in an upgrade does not matter — an acceptance does.
 */

const acsUrl = 'https://roster.test/sso/org_1/acs';
const spEntityId = 'https://roster.test/sso/org_1';
const minute = 60_000;

describe('test IdPs against node-saml', () => {
  let idp: TestIdp;
  let otherKey: TestKeyPair;
  let saml: SAML;
  let config: SamlConfig;

  before(async () => {
    [idp, otherKey] = await Promise.all([createTestIdp(), generateKeyPair('Another IdP')]);
    config = {
      idpCert: parseIdpMetadata(idp.metadataXml()).certificates,
      issuer: spEntityId,
      audience: spEntityId,
      callbackUrl: acsUrl,
      wantAuthnResponseSigned: false,
      wantAssertionsSigned: false,
      acceptedClockSkewMs: 90_000,
      maxAssertionAgeMs: 10 * minute,
      validateInResponseTo: ValidateInResponseTo.never,
      signatureAlgorithm: 'sha256',
    };
    saml = new SAML(config);
  });

  const respond = (options: Partial<ResponseOptions> = {}) =>
    idp.response({
      acsUrl,
      audience: spEntityId,
      nameId: 'ada@acme.test',
      sign: 'assertion',
      attributes: { mail: 'ada@acme.test', groups: ['eng', 'ops'] },
      ...options,
    });

  async function accepted(samlResponse: string): Promise<Profile> {
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse });
    assert.ok(profile, 'node-saml returned no profile');
    return profile;
  }

  async function rejected(samlResponse: string, what: string): Promise<void> {
    await assert.rejects(saml.validatePostResponseAsync({ SAMLResponse: samlResponse }), `node-saml accepted ${what}`);
  }

  describe('accepts', () => {
    for (const sign of ['assertion', 'response', 'both'] as const) {
      it(`a response signed on the ${sign === 'both' ? 'response and the assertion' : sign}, with its NameID and attributes`, async () => {
        const profile = await accepted(respond({ sign }));
        assert.equal(profile.issuer, idp.entityId);
        assert.equal(profile.nameID, 'ada@acme.test');
        assert.equal(profile.email, 'ada@acme.test');
        assert.deepEqual(profile.attributes, { mail: 'ada@acme.test', groups: ['eng', 'ops'] });
      });
    }

    it('a response from samlify, signed on the assertion, the response, or both', async () => {
      for (const [signAssertion, signResponse] of [
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const samlResponse = await samlifyLoginResponse({
          idp,
          spEntityId,
          acsUrl,
          email: 'grace@acme.test',
          attributes: { mail: 'grace@acme.test' },
          signAssertion,
          signResponse,
        });
        const profile = await accepted(samlResponse);
        assert.equal(profile.nameID, 'grace@acme.test');
        assert.equal(profile.email, 'grace@acme.test');
        assertResponsePolicy(inspectSamlResponse(Buffer.from(samlResponse, 'base64').toString('utf8')), {
          idpEntityId: idp.entityId,
          acsUrl,
          now: new Date(),
          clockSkewMs: 90_000,
        });
      }
    });

    it('a response signed with either certificate of a rotation', async () => {
      const rotating = new SAML({ ...config, idpCert: [otherKey.cert, idp.cert] });
      await rotating.validatePostResponseAsync({ SAMLResponse: respond() });
      await rotating.validatePostResponseAsync({ SAMLResponse: respond({ signWithKey: otherKey }) });
    });

    it('a response within the accepted clock skew', async () => {
      await accepted(respond({ notBefore: new Date(Date.now() + minute) }));
      await accepted(respond({ issueInstant: new Date(Date.now() - minute), notOnOrAfter: new Date(Date.now() - 30_000) }));
    });
  });

  describe('rejects', () => {
    it('an unsigned response', () => rejected(respond({ sign: 'none' }), 'an unsigned response'));

    it('a response signed by another key, on the assertion or the response', async () => {
      await rejected(respond({ signWithKey: otherKey }), 'an assertion signed by another key');
      await rejected(respond({ sign: 'response', signWithKey: otherKey }), 'a response signed by another key');
    });

    it('a tampered NameID', async () => {
      for (const sign of ['assertion', 'response', 'both'] as const) {
        await rejected(
          tamper(respond({ sign }), (xml) => xml.replace('>ada@acme.test</saml:NameID>', `>${attackerNameId}</saml:NameID>`)),
          `a tampered NameID (${sign})`,
        );
      }
    });

    it('a tampered attribute', async () => {
      for (const sign of ['assertion', 'response'] as const) {
        await rejected(
          tamper(respond({ sign }), (xml) => xml.replace('>eng</saml:AttributeValue>', '>admins</saml:AttributeValue>')),
          `a tampered attribute (${sign})`,
        );
      }
    });

    it('an assertion for another audience', () => rejected(respond({ audience: 'https://roster.test/sso/org_2' }), 'another audience'));

    it('an expired assertion, beyond the clock skew', () =>
      rejected(respond({ issueInstant: new Date(Date.now() - 5 * minute), notOnOrAfter: new Date(Date.now() - 2 * minute) }), 'an expired assertion'));

    it('an assertion not yet valid, beyond the clock skew', () => rejected(respond({ notBefore: new Date(Date.now() + 2 * minute) }), 'a future NotBefore'));

    it('an assertion issued longer ago than maxAssertionAgeMs, even with a far NotOnOrAfter', () =>
      rejected(respond({ issueInstant: new Date(Date.now() - 20 * minute), notOnOrAfter: new Date(Date.now() + 60 * minute) }), 'a too old assertion'));

    it('two assertions, the unsigned one after or before the signed one', async () => {
      await rejected(respond({ extraAssertion: 'unsigned-sibling' }), 'an unsigned sibling assertion');
      await rejected(respond({ extraAssertion: 'unsigned-first' }), 'an unsigned first assertion');
    });

    const wraps: WrapVariant[] = ['assertion-in-extensions', 'assertion-in-advice', 'assertion-in-status-detail', 'duplicate-id', 'copied-signature'];
    for (const variant of wraps) {
      it(`signature wrapping: ${variant}`, () => rejected(wrapSignature(respond(), variant), variant));
    }

    it('signature wrapping: the signed response moved into the Extensions of an unsigned one', () =>
      rejected(wrapSignature(respond({ sign: 'response' }), 'response-in-extensions'), 'response-in-extensions'));

    it('a DOCTYPE with an external entity (XXE)', () =>
      rejected(
        tamper(respond(), (xml) => `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xml.replace('ada@acme.test</saml:NameID>', '&x;</saml:NameID>')}`),
        'XXE',
      ));

    it('internal entity expansion', () =>
      rejected(
        tamper(respond(), (xml) => `<!DOCTYPE r [<!ENTITY a "ada"><!ENTITY b "&a;&a;&a;">]>${xml.replace('ada@acme.test</saml:NameID>', '&b;</saml:NameID>')}`),
        'entity expansion',
      ));
  });

  describe('the wrapping helpers are real attacks', () => {
    it("keep the moved assertion's signature valid, so the rejections are about placement", () => {
      for (const variant of ['assertion-in-extensions', 'assertion-in-advice', 'assertion-in-status-detail'] as const) {
        const xml = Buffer.from(wrapSignature(respond(), variant), 'base64').toString('utf8');
        const signature = new DOMParser().parseFromString(xml, 'text/xml').getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0]!;
        const verifier = new SignedXml({ publicCert: idp.cert });
        verifier.loadSignature(signature.toString());
        assert.ok(verifier.checkSignature(xml), variant);
        assert.ok(xml.includes(attackerNameId));
      }
    });
  });

  // What SAML-NOTES says node-saml 5.1 does not check, and Roster's policy therefore must. If an
  // upgrade starts rejecting one of these, the policy check stays (it is cheap) and this test is updated.
  describe("leaves to Roster's policy", () => {
    const cases: [string, Partial<ResponseOptions>, string][] = [
      ['an assertion from another issuer', { issuer: 'https://other-idp.test' }, 'wrong_issuer'],
      ['a response to another Destination', { destination: 'https://roster.test/sso/org_2/acs' }, 'wrong_destination'],
      ['an assertion for another Recipient', { recipient: 'https://roster.test/sso/org_2/acs' }, 'wrong_recipient'],
      ['a non-bearer confirmation', { subjectConfirmationMethod: 'urn:oasis:names:tc:SAML:2.0:cm:sender-vouches' }, 'not_bearer'],
      ['SHA-1 signatures', { sign: 'both', signatureAlgorithm: 'sha1' }, 'sha1_refused'],
      ['a signed Response without Destination', { sign: 'response', destination: null }, 'missing_destination'],
    ];
    it('a response answering no request whose bearer confirmation ran out 3 minutes ago: node-saml accepts it, the policy refuses it (confirmation_expired)', async () => {
      const samlResponse = respond({ subjectNotOnOrAfter: new Date(Date.now() - 3 * minute), notOnOrAfter: new Date(Date.now() + 5 * minute) });
      await accepted(samlResponse);
      assert.throws(
        () =>
          assertResponsePolicy(inspectSamlResponse(Buffer.from(samlResponse, 'base64').toString('utf8')), {
            idpEntityId: idp.entityId,
            acsUrl,
            now: new Date(),
            clockSkewMs: 90_000,
          }),
        (error: { reason?: string }) => error.reason === 'confirmation_expired',
      );
    });
    it('a DOCTYPE whose entities are declared but not used: node-saml accepts it, the policy refuses it before parsing (doctype)', async () => {
      // SAML-NOTES lists DOCTYPE among what node-saml rejects; 5.1 rejects only entity references
      // (its xmldom 0.8 resolves none), so Roster's raw-text refusal is what keeps DTDs out.
      const samlResponse = tamper(respond(), (xml) => `<!DOCTYPE r [<!ENTITY a "ada">]>${xml}`);
      await accepted(samlResponse);
      assert.throws(
        () => inspectSamlResponse(Buffer.from(samlResponse, 'base64').toString('utf8')),
        (error: { reason?: string }) => error.reason === 'doctype',
      );
    });

    for (const [what, options, reason] of cases) {
      it(`${what}: node-saml accepts it, the policy refuses it (${reason})`, async () => {
        const samlResponse = respond(options);
        await accepted(samlResponse);
        assert.throws(
          () =>
            assertResponsePolicy(inspectSamlResponse(Buffer.from(samlResponse, 'base64').toString('utf8')), {
              idpEntityId: idp.entityId,
              acsUrl,
              now: new Date(),
              clockSkewMs: 90_000,
            }),
          (error: { reason?: string }) => error.reason === reason,
        );
      });
    }
  });
});
