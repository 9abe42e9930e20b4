import { randomBytes } from 'node:crypto';
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { generate } from 'selfsigned';
import { SignedXml } from 'xml-crypto';

/**
 * An in-process SAML IdP for tests: keys generated at test time (nothing secret in the
 * repository), a Response template where every value is a parameter, signed with xml-crypto the
 * way Okta, Entra and Google sign (rsa-sha256, exclusive c14n, enveloped signature right after
 * the Issuer of the signed element, referenced by ID). Each negative case is one option away.
 */

export interface TestKeyPair {
  cert: string;
  privateKey: string;
}

export interface ResponseOptions {
  acsUrl: string;
  audience: string;
  nameId: string;
  sign: 'assertion' | 'response' | 'both' | 'none';
  inResponseTo?: string;
  nameIdFormat?: string;
  attributes?: Record<string, string | string[]>;
  /** The assertion's Issuer, and the Response's unless `responseIssuer` says otherwise. */
  issuer?: string;
  /** The Response's Issuer; null leaves it out. */
  responseIssuer?: string | null;
  /** Defaults to `acsUrl`; null leaves the attribute out. */
  destination?: string | null;
  recipient?: string;
  issueInstant?: Date;
  notBefore?: Date;
  /** The Conditions' NotOnOrAfter, and the SubjectConfirmationData's unless `subjectNotOnOrAfter` says otherwise. */
  notOnOrAfter?: Date;
  /** The bearer SubjectConfirmationData's NotOnOrAfter; null leaves it out. */
  subjectNotOnOrAfter?: Date | null;
  sessionNotOnOrAfter?: Date;
  signatureAlgorithm?: 'sha256' | 'sha1';
  status?: string;
  /** An unsigned copy of the assertion (another ID and NameID) placed after or before the signed one. */
  extraAssertion?: 'unsigned-sibling' | 'unsigned-first';
  /** Sign with this key instead of the IdP's own. */
  signWithKey?: TestKeyPair;
  assertionId?: string;
  responseId?: string;
  subjectConfirmationMethod?: string;
}

export interface TestIdp extends TestKeyPair {
  entityId: string;
  ssoUrl: string;
  metadataXml(): string;
  /** The base64 Response XML, as an IdP POSTs it in `SAMLResponse`. */
  response(options: ResponseOptions): string;
}

const ns = {
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
};
export const attackerNameId = 'attacker@evil.test';

export async function generateKeyPair(commonName = 'Roster test IdP'): Promise<TestKeyPair> {
  const notAfterDate = new Date(Date.now() + 2 * 24 * 3600_000);
  const pems = await generate([{ name: 'commonName', value: commonName }], { keySize: 2048, algorithm: 'sha256', notAfterDate });
  return { cert: pems.cert, privateKey: pems.private };
}

export async function createTestIdp(options: { entityId?: string; ssoUrl?: string } = {}): Promise<TestIdp> {
  const keys = await generateKeyPair();
  const entityId = options.entityId ?? `https://idp.test/${newId()}`;
  const ssoUrl = options.ssoUrl ?? 'https://idp.test/sso';
  return {
    entityId,
    ssoUrl,
    ...keys,
    metadataXml: () => idpMetadataXml(entityId, ssoUrl, [keys.cert]),
    response: (o) => Buffer.from(buildResponse(entityId, keys, o)).toString('base64'),
  };
}

function buildResponse(entityId: string, keys: TestKeyPair, o: ResponseOptions): string {
  const now = o.issueInstant ?? new Date();
  const assertionId = o.assertionId ?? newId();
  const responseId = o.responseId ?? newId();
  const issuer = o.issuer ?? entityId;
  const responseIssuer = o.responseIssuer === undefined ? issuer : o.responseIssuer;
  const notOnOrAfter = iso(o.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000));
  const subjectNotOnOrAfter = o.subjectNotOnOrAfter === undefined ? notOnOrAfter : o.subjectNotOnOrAfter && iso(o.subjectNotOnOrAfter);
  const attributes = Object.entries(o.attributes ?? {}).map(
    ([name, values]) =>
      `<saml:Attribute Name="${esc(name)}">${[values]
        .flat()
        .map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`)
        .join('')}</saml:Attribute>`,
  );
  let xml =
    `<samlp:Response xmlns:samlp="${ns.samlp}"${attrs({ ID: responseId, Version: '2.0', IssueInstant: iso(now), Destination: o.destination === undefined ? o.acsUrl : o.destination, InResponseTo: o.inResponseTo })}>` +
    (responseIssuer === null ? '' : `<saml:Issuer xmlns:saml="${ns.saml}">${esc(responseIssuer)}</saml:Issuer>`) +
    `<samlp:Status><samlp:StatusCode Value="${esc(o.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success')}"/></samlp:Status>` +
    `<saml:Assertion xmlns:saml="${ns.saml}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"${attrs({ ID: assertionId, Version: '2.0', IssueInstant: iso(now) })}>` +
    `<saml:Issuer>${esc(issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${esc(o.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress')}">${esc(o.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="${esc(o.subjectConfirmationMethod ?? 'urn:oasis:names:tc:SAML:2.0:cm:bearer')}">` +
    `<saml:SubjectConfirmationData${attrs({ InResponseTo: o.inResponseTo, NotOnOrAfter: subjectNotOnOrAfter, Recipient: o.recipient ?? o.acsUrl })}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(o.notBefore ?? now)}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${esc(o.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement${attrs({ AuthnInstant: iso(now), SessionIndex: assertionId, SessionNotOnOrAfter: o.sessionNotOnOrAfter && iso(o.sessionNotOnOrAfter) })}>` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributes.length ? `<saml:AttributeStatement>${attributes.join('')}</saml:AttributeStatement>` : '') +
    `</saml:Assertion></samlp:Response>`;
  const key = o.signWithKey ?? keys;
  const algorithm = o.signatureAlgorithm ?? 'sha256';
  if (o.sign === 'assertion' || o.sign === 'both') xml = signElement(xml, assertionId, key, algorithm);
  if (o.sign === 'response' || o.sign === 'both') xml = signElement(xml, responseId, key, algorithm);
  if (o.extraAssertion) {
    xml = editDom(xml, (doc) => {
      const signed = assertionOf(doc);
      const evil = evilCopy(signed);
      signed.parentNode!.insertBefore(evil, o.extraAssertion === 'unsigned-first' ? signed : signed.nextSibling);
    });
  }
  return xml;
}

/** Enveloped signature over the element with this ID, placed right after its Issuer. */
export function signElement(xml: string, id: string, key: TestKeyPair, algorithm: 'sha256' | 'sha1' = 'sha256'): string {
  const sha1 = algorithm === 'sha1';
  const signer = new SignedXml({
    privateKey: key.privateKey,
    publicCert: key.cert,
    signatureAlgorithm: sha1 ? 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' : 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  signer.addReference({
    xpath: `//*[@ID='${id}']`,
    digestAlgorithm: sha1 ? 'http://www.w3.org/2000/09/xmldsig#sha1' : 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  signer.computeSignature(xml, { prefix: 'ds', location: { reference: `//*[@ID='${id}']/*[local-name(.)='Issuer']`, action: 'after' } });
  return signer.getSignedXml();
}

function idpMetadataXml(entityId: string, ssoUrl: string, certs: string[]): string {
  const keys = certs.map(
    (c) =>
      `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBody(c)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
  );
  return (
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="${ns.ds}" entityID="${esc(entityId)}">` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keys.join('')}` +
    `<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${esc(ssoUrl)}"/>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${esc(ssoUrl)}"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}

// ---- Attack helpers: each takes and returns a base64 SAMLResponse. ----

/** Decodes, edits the XML text, re-encodes. */
export function tamper(samlResponse: string, edit: (xml: string) => string): string {
  return Buffer.from(edit(Buffer.from(samlResponse, 'base64').toString('utf8'))).toString('base64');
}

export type WrapVariant =
  | 'assertion-in-extensions'
  | 'assertion-in-advice'
  | 'assertion-in-status-detail'
  /** The attacker's assertion, with the signed one's ID and signature; the signed one in Extensions. */
  | 'duplicate-id'
  /** As 'duplicate-id', with the signed assertion dropped. */
  | 'copied-signature'
  | 'response-in-extensions';

/**
 * XML signature wrapping: the signed element stays intact (its signature still verifies in
 * isolation) but is moved where a careless verifier finds it while the reader reads an unsigned
 * assertion carrying the attacker's NameID. The first five expect an assertion-signed response,
 * 'response-in-extensions' a response-signed one.
 */
export function wrapSignature(samlResponse: string, variant: WrapVariant): string {
  return tamper(samlResponse, (xml) =>
    editDom(xml, (doc) => {
      const response = doc.documentElement!;
      const signed = assertionOf(doc);
      const evil = evilCopy(signed);
      if (variant === 'response-in-extensions') {
        const outer = response.cloneNode(false) as Element;
        outer.setAttribute('ID', newId());
        const extensions = doc.createElementNS(ns.samlp, 'samlp:Extensions');
        const [issuer, status] = ['Issuer', 'Status'].map((name) => firstChildNamed(response, name).cloneNode(true));
        extensions.appendChild(response);
        for (const child of [issuer!, extensions, status!, evil]) outer.appendChild(child);
        doc.appendChild(outer);
        return;
      }
      if (variant === 'duplicate-id' || variant === 'copied-signature') {
        // The attacker's assertion takes the signed one's ID and a copy of its signature.
        evil.setAttribute('ID', signed.getAttribute('ID')!);
        const signature = signed.getElementsByTagNameNS(ns.ds, 'Signature')[0]!;
        evil.insertBefore(signature.cloneNode(true), evil.getElementsByTagNameNS(ns.saml, 'Subject')[0]!);
      }
      response.replaceChild(evil, signed);
      if (variant === 'copied-signature') return;
      if (variant === 'assertion-in-advice') {
        const advice = doc.createElementNS(ns.saml, 'saml:Advice');
        advice.appendChild(signed);
        evil.insertBefore(advice, evil.getElementsByTagNameNS(ns.saml, 'AuthnStatement')[0]!);
      } else if (variant === 'assertion-in-status-detail') {
        const detail = doc.createElementNS(ns.samlp, 'samlp:StatusDetail');
        detail.appendChild(signed);
        response.getElementsByTagNameNS(ns.samlp, 'Status')[0]!.appendChild(detail);
      } else {
        const extensions = doc.createElementNS(ns.samlp, 'samlp:Extensions');
        extensions.appendChild(signed);
        response.insertBefore(extensions, response.getElementsByTagNameNS(ns.samlp, 'Status')[0]!);
      }
    }),
  );
}

/** The PEM's base64 body on one line (how metadata carries a certificate). */
export function certBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

function editDom(xml: string, edit: (doc: Document) => void): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  edit(doc);
  return new XMLSerializer().serializeToString(doc);
}

function assertionOf(doc: Document): Element {
  return doc.getElementsByTagNameNS(ns.saml, 'Assertion')[0]!;
}

/** An unsigned copy of the assertion with a fresh ID and the attacker's NameID. */
function evilCopy(assertion: Element): Element {
  const evil = assertion.cloneNode(true) as Element;
  for (const signature of Array.from(evil.getElementsByTagNameNS(ns.ds, 'Signature'))) signature.parentNode!.removeChild(signature);
  evil.setAttribute('ID', newId());
  evil.getElementsByTagNameNS(ns.saml, 'NameID')[0]!.textContent = attackerNameId;
  return evil;
}

function firstChildNamed(parent: Element, localName: string): Element {
  return Array.from(parent.childNodes).find((n): n is Element => (n as Element).localName === localName)!;
}

function newId(): string {
  return `_${randomBytes(16).toString('hex')}`;
}

function iso(date: Date): string {
  return date.toISOString();
}

/** Rendered attributes, leaving out the undefined and null ones. */
function attrs(values: Record<string, string | null | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== null)
    .map(([name, value]) => ` ${name}="${esc(value)}"`)
    .join('');
}

function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}
