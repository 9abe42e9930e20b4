import { X509Certificate } from 'node:crypto';
import { InvalidInputError } from '../../errors.js';
import { isAcceptableIdpEndpoint } from '../../org/sso-connections/sso-connection-input.js';
import { attributeOf, declaresDoctype, isElementNamed, namespaces, parseStrictXml, selectElements, textOf, XmlParseError } from './xml.js';

/** What Roster keeps from an IdP's SAML 2.0 metadata (saml-metadata-2.0-os §2.4.3). */
export interface IdpMetadata {
  entityId: string;
  /** The IdP's SingleSignOnService for the HTTP-Redirect binding, else for HTTP-POST. */
  ssoUrl: string;
  /** Signing certificates, base64 DER without whitespace (several during a key rotation). */
  certificates: string[];
  nameIdFormats: string[];
}

/** Real IdP metadata is a few kilobytes; the cap bounds what a pasted or fetched document costs. */
export const maxMetadataBytes = 256 * 1024;

const saml2Protocol = 'urn:oasis:names:tc:SAML:2.0:protocol';
const redirectBinding = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const postBinding = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

/**
 * Reads the one SAML 2.0 IdP described by a metadata document, refusing anything Roster should
 * not trust: oversized input, DOCTYPE/ENTITY declarations, malformed XML, zero or several IdPs,
 * no signing certificate, no SSO endpoint or one that is not https (plain http on a loopback host only).
 */
export function parseIdpMetadata(xml: string): IdpMetadata {
  if (Buffer.byteLength(xml, 'utf8') > maxMetadataBytes) {
    throw new InvalidInputError('metadata_too_large', `IdP metadata must be at most ${maxMetadataBytes / 1024} KB`, {
      limitBytes: maxMetadataBytes,
    });
  }
  if (declaresDoctype(xml)) {
    throw new InvalidInputError('metadata_doctype', 'IdP metadata must not contain a DOCTYPE or ENTITY declaration');
  }
  const entity = idpEntityDescriptor(parseMetadataXml(xml));

  const idps = selectElements('md:IDPSSODescriptor', entity);
  if (idps.length === 0) throw new InvalidInputError('metadata_no_idp', 'The metadata describes no identity provider (no IDPSSODescriptor)');
  if (idps.length > 1) throw new InvalidInputError('metadata_several_idps', 'The metadata holds several IDPSSODescriptor elements; Roster needs exactly one');
  const idp = idps[0]!;
  if (!(attributeOf(idp, 'protocolSupportEnumeration') ?? '').split(/\s+/).includes(saml2Protocol)) {
    throw new InvalidInputError('metadata_no_idp', 'The IDPSSODescriptor does not support the SAML 2.0 protocol');
  }

  const entityId = attributeOf(entity, 'entityID')?.trim();
  if (!entityId) throw new InvalidInputError('metadata_no_entity_id', 'The EntityDescriptor has no entityID');

  return {
    entityId,
    ssoUrl: singleSignOnUrl(idp),
    certificates: signingCertificates(idp),
    nameIdFormats: unique(
      selectElements('md:NameIDFormat', idp)
        .map(textOf)
        .filter((f): f is string => !!f),
    ),
  };
}

/**
 * Accepts a certificate as PEM or as bare base64 (whitespace allowed) and answers its base64 DER
 * without whitespace, after checking that it really is an X.509 certificate.
 */
export function normaliseCertificate(input: string): string {
  const refuse = (why: string): never => {
    throw new InvalidInputError('invalid_certificate', `Not an X.509 certificate: ${why}`);
  };
  let body = input.trim();
  const pem = /^-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----$/.exec(body);
  if (pem) {
    if (pem[1] !== 'CERTIFICATE') refuse(`a PEM "${pem[1]}" block is not a certificate`);
    body = pem[2]!;
  } else if (body.includes('-----')) {
    refuse('expected one PEM CERTIFICATE block or base64');
  }
  body = body.replace(/\s+/g, '');
  if (body === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) refuse('the text is not base64');
  try {
    new X509Certificate(Buffer.from(body, 'base64'));
  } catch {
    refuse('the data does not parse as a certificate');
  }
  return body;
}

function parseMetadataXml(xml: string): Document {
  try {
    return parseStrictXml(xml);
  } catch (error) {
    if (error instanceof XmlParseError) {
      throw new InvalidInputError('metadata_malformed', `IdP metadata is not well-formed XML: ${error.message}`);
    }
    throw error;
  }
}

/** The root EntityDescriptor, or the one IdP EntityDescriptor inside an EntitiesDescriptor. */
function idpEntityDescriptor(doc: Document): Element {
  const root = doc.documentElement;
  if (isElementNamed(root, namespaces.md, 'EntityDescriptor')) return root;
  if (!isElementNamed(root, namespaces.md, 'EntitiesDescriptor')) {
    throw new InvalidInputError('metadata_no_idp', `The document is not SAML metadata: its root is <${root.nodeName}>, not an EntityDescriptor`);
  }
  const idpEntities = selectElements('.//md:EntityDescriptor[md:IDPSSODescriptor]', root);
  if (idpEntities.length === 0) throw new InvalidInputError('metadata_no_idp', 'The EntitiesDescriptor contains no identity provider');
  if (idpEntities.length > 1) {
    throw new InvalidInputError('metadata_several_idps', `The EntitiesDescriptor contains ${idpEntities.length} identity providers; Roster needs exactly one`);
  }
  return idpEntities[0]!;
}

function singleSignOnUrl(idp: Element): string {
  const services = selectElements('md:SingleSignOnService', idp);
  const service = services.find((s) => attributeOf(s, 'Binding') === redirectBinding) ?? services.find((s) => attributeOf(s, 'Binding') === postBinding);
  const location = attributeOf(service, 'Location')?.trim();
  if (!location) {
    throw new InvalidInputError('metadata_no_sso_url', 'The IdP has no SingleSignOnService for the HTTP-Redirect or HTTP-POST binding');
  }
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new InvalidInputError('metadata_insecure_endpoint', `The IdP's SSO URL is not a valid URL: ${location}`);
  }
  if (!isAcceptableIdpEndpoint(url)) {
    throw new InvalidInputError('metadata_insecure_endpoint', `The IdP's SSO URL must use https (http only on localhost): ${location}`);
  }
  return location;
}

/** KeyDescriptors with use="signing" or no use (saml-metadata §2.4.1.1: then it serves both). */
function signingCertificates(idp: Element): string[] {
  const values = selectElements('md:KeyDescriptor[not(@use) or @use="signing"]/ds:KeyInfo/ds:X509Data/ds:X509Certificate', idp).map(textOf);
  const certificates = unique(values.filter((v): v is string => !!v).map(normaliseCertificate));
  if (certificates.length === 0) {
    throw new InvalidInputError('metadata_no_certificate', 'The IdP metadata has no signing certificate (KeyDescriptor use="signing" with an X509Certificate)');
  }
  return certificates;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
