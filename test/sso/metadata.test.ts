import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../../src/errors.js';
import { maxMetadataBytes, normaliseCertificate, parseIdpMetadata } from '../../src/sso/saml/metadata.js';
import { certBody, createTestIdp, generateKeyPair, type TestKeyPair } from '../support/saml-idp.js';

/** A metadata fixture from test/fixtures/saml with its {{CERT…}} placeholders filled in. */
function fixture(name: string, certs: Record<string, string>): string {
  const text = readFileSync(new URL(`../../../test/fixtures/saml/${name}.xml`, import.meta.url), 'utf8');
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = certs[key];
    if (value === undefined) throw new Error(`fixture ${name} needs ${key}`);
    return value;
  });
}

/** The InvalidInputError code a call throws. */
function refusalOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof InvalidInputError, `expected an InvalidInputError, got ${String(error)}`);
    return error.code;
  }
  throw new Error('expected a refusal, but the call succeeded');
}

/** Okta wraps the base64 at 64 columns, as PEM does. */
function wrapped(body: string): string {
  return `\n${body.match(/.{1,64}/g)!.join('\n')}\n`;
}

describe('IdP metadata', () => {
  let keys: TestKeyPair[];
  let body: string[];
  let good: string;

  before(async () => {
    keys = await Promise.all([1, 2, 3].map((i) => generateKeyPair(`IdP key ${i}`)));
    body = keys.map((k) => certBody(k.cert));
    good = fixture('google-metadata', { CERT: body[0]! });
  });

  describe('reads what the IdPs publish', () => {
    it('reads Okta metadata: the HTTP-Redirect endpoint over the POST one listed first, and a certificate wrapped over lines', () => {
      const metadata = parseIdpMetadata(fixture('okta-metadata', { CERT: wrapped(body[0]!) }));
      assert.deepEqual(metadata, {
        entityId: 'http://www.okta.com/exk8r2q3wvAbCdEfG5d7',
        ssoUrl: 'https://acme.okta.com/app/acme_roster_1/exk8r2q3wvAbCdEfG5d7/sso/saml',
        certificates: [body[0]],
        nameIdFormats: ['urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified', 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
      });
    });

    it('reads Entra ID metadata: default namespace, both signing certificates of a rotation, nothing from the WS-Federation role or the metadata signature', () => {
      const metadata = parseIdpMetadata(fixture('entra-metadata', { CERT: body[0]!, CERT2: body[1]!, CERT_WSFED: body[2]! }));
      assert.equal(metadata.entityId, 'https://sts.windows.net/0a1b2c3d-4e5f-6789-abcd-ef0123456789/');
      assert.equal(metadata.ssoUrl, 'https://login.microsoftonline.com/0a1b2c3d-4e5f-6789-abcd-ef0123456789/saml2');
      assert.deepEqual(metadata.certificates, [body[0], body[1]]);
      assert.deepEqual(metadata.nameIdFormats, []);
    });

    it('reads Google Workspace metadata, pretty-printed', () => {
      const metadata = parseIdpMetadata(good);
      assert.equal(metadata.entityId, 'https://accounts.google.com/o/saml2?idpid=C01x2y3z4');
      assert.equal(metadata.ssoUrl, 'https://accounts.google.com/o/saml2/idp?idpid=C01x2y3z4');
      assert.deepEqual(metadata.certificates, [body[0]]);
      assert.deepEqual(metadata.nameIdFormats, ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress']);
    });

    it('collects signing and unqualified certificates for rotation, ignores encryption-only ones, and falls back to HTTP-POST', () => {
      const metadata = parseIdpMetadata(fixture('rotation-and-encryption-metadata', { CERT: body[0]!, CERT2: body[1]!, CERT3: body[2]! }));
      assert.deepEqual(metadata.certificates, [body[0], body[1]]);
      assert.equal(metadata.ssoUrl, 'https://sso.acme.test/realms/acme/protocol/saml');
    });

    it('lists a certificate published twice once', () => {
      const metadata = parseIdpMetadata(fixture('entra-metadata', { CERT: body[0]!, CERT2: wrapped(body[0]!), CERT_WSFED: body[0]! }));
      assert.deepEqual(metadata.certificates, [body[0]]);
    });

    it('picks the one IdP out of an EntitiesDescriptor', () => {
      const metadata = parseIdpMetadata(fixture('entities-metadata', { CERT: body[0]!, CERT2: body[1]! }));
      assert.equal(metadata.entityId, 'https://idp.acme.test/saml');
      assert.deepEqual(metadata.certificates, [body[0]]);
    });

    it("reads the test IdP's own metadata", async () => {
      const idp = await createTestIdp({ entityId: 'https://idp.test/roster', ssoUrl: 'https://idp.test/sso' });
      assert.deepEqual(parseIdpMetadata(idp.metadataXml()).certificates, [certBody(idp.cert)]);
    });
  });

  describe('refuses', () => {
    it('a document over 256 KB, before parsing it', () => {
      const padded = good.replace('<md:IDPSSODescriptor', `<!-- ${'x'.repeat(maxMetadataBytes)} --><md:IDPSSODescriptor`);
      assert.equal(
        refusalOf(() => parseIdpMetadata(padded)),
        'metadata_too_large',
      );
    });

    it('a DOCTYPE or ENTITY declaration in any case: XXE and entity expansion never reach the parser', () => {
      const xxe = `<?xml version="1.0"?><!DOCTYPE md [<!ENTITY x SYSTEM "file:///etc/passwd">]>${good.replace(/^<\?xml[^>]*>/, '')}`;
      const laughs = `<!doctype lol [<!entity lol "lol"><!entity lol2 "&lol;&lol;&lol;">]><lol>&lol2;</lol>`;
      assert.equal(
        refusalOf(() => parseIdpMetadata(xxe)),
        'metadata_doctype',
      );
      assert.equal(
        refusalOf(() => parseIdpMetadata(laughs)),
        'metadata_doctype',
      );
      assert.equal(
        refusalOf(() => parseIdpMetadata(good.replace('<md:IDPSSODescriptor', '<!Entity x "y"><md:IDPSSODescriptor'))),
        'metadata_doctype',
      );
    });

    it('malformed XML, including what a lenient parser would repair', () => {
      for (const xml of [
        '',
        'not xml at all',
        good.slice(0, good.length / 2),
        good.replace('</md:IDPSSODescriptor>', ''),
        `${good}<md:EntityDescriptor/>`,
        good.replace('<md:NameIDFormat>', '<md:NameIDFormat a="1" a="2">'),
      ]) {
        assert.equal(
          refusalOf(() => parseIdpMetadata(xml)),
          'metadata_malformed',
          xml.slice(0, 60),
        );
      }
    });

    it('a document that describes no IdP', () => {
      const spOnly = fixture('entities-metadata', { CERT: body[0]!, CERT2: body[1]! }).replace(
        /<md:EntityDescriptor entityID="https:\/\/idp[\s\S]*?<\/md:EntityDescriptor>/,
        '',
      );
      for (const xml of [
        '<html><body>Sign in</body></html>',
        '<EntityDescriptor entityID="x"><IDPSSODescriptor/></EntityDescriptor>', // no metadata namespace
        spOnly,
        good.replace('protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"', 'protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol"'),
        good.replace(/md:IDPSSODescriptor/g, 'md:SPSSODescriptor'),
      ]) {
        assert.equal(
          refusalOf(() => parseIdpMetadata(xml)),
          'metadata_no_idp',
          xml.slice(0, 60),
        );
      }
    });

    it('several IdPs, in one EntityDescriptor or in an EntitiesDescriptor', () => {
      const descriptor = /<md:IDPSSODescriptor[\s\S]*<\/md:IDPSSODescriptor>/.exec(good)![0];
      assert.equal(
        refusalOf(() => parseIdpMetadata(good.replace(descriptor, descriptor + descriptor))),
        'metadata_several_idps',
      );
      const entities = fixture('entities-metadata', { CERT: body[0]!, CERT2: body[1]! });
      const idpEntity = /<md:EntityDescriptor entityID="https:\/\/idp[\s\S]*?<\/md:EntityDescriptor>/.exec(entities)![0];
      assert.equal(
        refusalOf(() => parseIdpMetadata(entities.replace(idpEntity, idpEntity + idpEntity.replace('idp.acme.test', 'idp2.acme.test')))),
        'metadata_several_idps',
      );
    });

    it('an IdP without a signing certificate, or with only an encryption one', () => {
      assert.equal(
        refusalOf(() => parseIdpMetadata(good.replace('use="signing"', 'use="encryption"'))),
        'metadata_no_certificate',
      );
      assert.equal(
        refusalOf(() => parseIdpMetadata(good.replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, ''))),
        'metadata_no_certificate',
      );
    });

    it('a certificate that is not one', () => {
      assert.equal(
        refusalOf(() => parseIdpMetadata(fixture('google-metadata', { CERT: 'AAAA' }))),
        'invalid_certificate',
      );
    });

    it('an SSO endpoint that is not https', () => {
      assert.equal(
        refusalOf(() => parseIdpMetadata(good.replaceAll('https://accounts.google.com/o/saml2/idp', 'http://accounts.google.com/o/saml2/idp'))),
        'metadata_insecure_endpoint',
      );
      assert.equal(
        refusalOf(() => parseIdpMetadata(good.replaceAll('https://accounts.google.com/o/saml2/idp?idpid=C01x2y3z4', 'javascript:alert(1)'))),
        'metadata_insecure_endpoint',
      );
    });

    it('plain http, except on a loopback host (a test IdP on this machine)', () => {
      const at = (location: string) => good.replaceAll('https://accounts.google.com/o/saml2/idp', location);
      for (const location of ['http://localhost:8081/sso', 'http://127.0.0.1:8081/sso', 'http://127.9.9.9/sso', 'http://[::1]:8081/sso']) {
        assert.equal(parseIdpMetadata(at(location)).ssoUrl, `${location}?idpid=C01x2y3z4`, location);
      }
      for (const location of [
        'http://localhost.evil.test/sso',
        'http://127.0.0.1.evil.test/sso',
        'http://10.0.0.1/sso',
        'http://[::2]/sso',
        'http://0.0.0.0/sso',
        'ftp://localhost/sso',
      ]) {
        assert.equal(
          refusalOf(() => parseIdpMetadata(at(location))),
          'metadata_insecure_endpoint',
          location,
        );
      }
    });

    it('an IdP with no SSO endpoint for the Redirect or POST binding', () => {
      const soapOnly = good.replace(
        /<md:SingleSignOnService[\s\S]*\/>/,
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="https://accounts.google.com/soap"/>',
      );
      assert.equal(
        refusalOf(() => parseIdpMetadata(soapOnly)),
        'metadata_no_sso_url',
      );
    });

    it('an EntityDescriptor without an entityID', () => {
      assert.equal(
        refusalOf(() => parseIdpMetadata(good.replace(/entityID="[^"]*"/, ''))),
        'metadata_no_entity_id',
      );
      assert.equal(
        refusalOf(() => parseIdpMetadata(good.replace(/entityID="[^"]*"/, 'entityID="  "'))),
        'metadata_no_entity_id',
      );
    });
  });

  describe('normaliseCertificate', () => {
    it('accepts PEM and bare base64 with whitespace, and answers the base64 body on one line', () => {
      assert.equal(normaliseCertificate(keys[0]!.cert), body[0]);
      assert.equal(normaliseCertificate(`  ${wrapped(body[0]!)}\r\n`), body[0]);
    });

    it('refuses what is not an X.509 certificate', () => {
      for (const input of [
        '',
        'hello world',
        'AAAA',
        Buffer.from('not a certificate').toString('base64'),
        keys[0]!.privateKey,
        `${keys[0]!.cert}${keys[1]!.cert}`,
        body[0]!.slice(0, 200),
      ]) {
        assert.equal(
          refusalOf(() => normaliseCertificate(input)),
          'invalid_certificate',
          input.slice(0, 40),
        );
      }
    });
  });
});
