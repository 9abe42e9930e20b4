import {
  attributeOf,
  declaresDoctype,
  isElementNamed,
  namespaces,
  parseStrictXml,
  selectAttributeValues,
  selectElements,
  textOf,
  XmlParseError,
} from './xml.js';

/**
 * Roster's own checks on a SAML Response, read from the raw XML (the base64-decoded
 * SAMLResponse). node-saml 5.1 verifies the signature, the audience and the validity window but
 * not these (see SAML-NOTES): who issued the assertion, whom it was addressed to, how the subject
 * is confirmed and until when, which algorithms were used, and the status. They complement
 * node-saml and never replace it: a response must pass both.
 */

export type SamlPolicyReason =
  | 'doctype'
  | 'malformed'
  | 'several_assertions'
  | 'no_assertion'
  | 'encrypted_assertion'
  | 'duplicate_id'
  | 'wrong_issuer'
  | 'wrong_destination'
  | 'missing_destination'
  | 'wrong_recipient'
  | 'not_bearer'
  | 'confirmation_expired'
  | 'confirmation_unbounded'
  | 'sha1_refused'
  | 'not_success';

/** A response Roster refuses to sign anyone in with. Not a domain error: the HTTP layer answers 401. */
export class SamlPolicyError extends Error {
  constructor(
    readonly reason: SamlPolicyReason,
    message: string,
  ) {
    super(message);
    this.name = 'SamlPolicyError';
  }
}

export interface InspectedSamlResponse {
  responseId: string;
  /** Whether the Response itself carries a signature (a ds:Signature child), not only its Assertion. */
  responseSigned: boolean;
  destination?: string;
  inResponseTo?: string;
  /** The Response's own Issuer (optional in saml-core §3.2.2). */
  issuer?: string;
  assertionId: string;
  /** The Assertion's Issuer ('' when missing, which the policy refuses). */
  assertionIssuer: string;
  recipient?: string;
  /** The bearer SubjectConfirmationData's NotOnOrAfter, as written. */
  confirmationNotOnOrAfter?: string;
  subjectConfirmationMethod?: string;
  signatureAlgorithms: string[];
  digestAlgorithms: string[];
  /** The top-level StatusCode value ('' when missing). */
  statusCode: string;
}

export interface ResponsePolicy {
  idpEntityId: string;
  acsUrl: string;
  /** The time to judge NotOnOrAfter against, and the clock skew allowed (node-saml's `acceptedClockSkewMs`). */
  now: Date;
  clockSkewMs: number;
  /** SHA-1 is never allowed; the field exists so a caller cannot ask for it by accident. */
  allowSha1?: false;
}

const success = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const bearer = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const sha1Algorithms = new Set(['http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'http://www.w3.org/2000/09/xmldsig#sha1']);

/**
 * Reads the values the policy needs. Throws `SamlPolicyError` when the document cannot be read
 * as one Response with one plain Assertion: DOCTYPE (refused before parsing), malformed XML,
 * no or several assertions anywhere in the document (also nested in Extensions, Advice or
 * StatusDetail, the hiding places of signature-wrapping attacks), duplicate IDs.
 */
export function inspectSamlResponse(xml: string): InspectedSamlResponse {
  if (declaresDoctype(xml)) throw new SamlPolicyError('doctype', 'The SAML response contains a DOCTYPE or ENTITY declaration');
  let doc: Document;
  try {
    doc = parseStrictXml(xml);
  } catch (error) {
    if (error instanceof XmlParseError) throw new SamlPolicyError('malformed', `The SAML response is not well-formed XML: ${error.message}`);
    throw error;
  }
  const response = doc.documentElement;
  if (!isElementNamed(response, namespaces.samlp, 'Response')) {
    throw new SamlPolicyError('malformed', `The SAML response's root is <${response.nodeName}>, not a samlp:Response`);
  }
  const responseId = attributeOf(response, 'ID');
  if (!responseId) throw new SamlPolicyError('malformed', 'The SAML response has no ID');
  refuseDuplicateIds(doc);

  const statusCode = attributeOf(selectElements('samlp:Status/samlp:StatusCode', response)[0], 'Value') ?? '';
  const assertion = theAssertion(doc, response, statusCode);
  const confirmations = selectElements('saml:Subject/saml:SubjectConfirmation', assertion);
  // Several confirmations are legal; the bearer one is what Web Browser SSO relies on.
  const confirmation = confirmations.find((c) => attributeOf(c, 'Method') === bearer) ?? confirmations[0];
  const confirmationData = confirmation ? selectElements('saml:SubjectConfirmationData', confirmation)[0] : undefined;

  return {
    responseId,
    responseSigned: selectElements('ds:Signature', response).length > 0,
    destination: attributeOf(response, 'Destination'),
    inResponseTo: attributeOf(response, 'InResponseTo'),
    issuer: textOf(selectElements('saml:Issuer', response)[0]),
    assertionId: attributeOf(assertion, 'ID') ?? '',
    assertionIssuer: textOf(selectElements('saml:Issuer', assertion)[0]) ?? '',
    recipient: attributeOf(confirmationData, 'Recipient'),
    confirmationNotOnOrAfter: attributeOf(confirmationData, 'NotOnOrAfter'),
    subjectConfirmationMethod: attributeOf(confirmation, 'Method'),
    // Every algorithm anywhere in the document, by local name: a signature the verifier might use
    // cannot hide from this list behind a namespace or a nesting level.
    signatureAlgorithms: unique(selectAttributeValues("//*[local-name()='SignatureMethod']/@Algorithm", doc)),
    digestAlgorithms: unique(selectAttributeValues("//*[local-name()='DigestMethod']/@Algorithm", doc)),
    statusCode,
  };
}

/** Throws `SamlPolicyError` unless the inspected response meets Roster's policy for this connection. */
export function assertResponsePolicy(inspected: InspectedSamlResponse, expected: ResponsePolicy): void {
  const sha1 = [...inspected.signatureAlgorithms, ...inspected.digestAlgorithms].filter((a) => sha1Algorithms.has(a));
  if (sha1.length > 0)
    throw new SamlPolicyError('sha1_refused', `SHA-1 signatures and digests are refused (${sha1.join(', ')}); configure the IdP to sign with SHA-256`);
  if (inspected.statusCode !== success) throw new SamlPolicyError('not_success', `The IdP answered with status ${inspected.statusCode || '(none)'}`);
  if (inspected.assertionIssuer !== expected.idpEntityId) {
    throw new SamlPolicyError(
      'wrong_issuer',
      `The assertion was issued by "${inspected.assertionIssuer}", not by the configured IdP "${expected.idpEntityId}"`,
    );
  }
  if (inspected.issuer !== undefined && inspected.issuer !== expected.idpEntityId) {
    throw new SamlPolicyError('wrong_issuer', `The response was issued by "${inspected.issuer}", not by the configured IdP "${expected.idpEntityId}"`);
  }
  // SAML Bindings §3.5.5.2: a signed message MUST carry Destination, and it must be this ACS URL.
  // When only the Assertion is signed the rule does not apply (the Response is not a signed
  // message, and an unsigned Destination would prove nothing): the signed Recipient below binds
  // the assertion to this ACS instead. A Destination that is present is checked either way.
  if (inspected.destination === undefined && inspected.responseSigned) {
    throw new SamlPolicyError('missing_destination', `The response is signed but has no Destination; SAML bindings require it to be ${expected.acsUrl}`);
  }
  if (inspected.destination !== undefined && inspected.destination !== expected.acsUrl) {
    throw new SamlPolicyError('wrong_destination', `The response is addressed to ${inspected.destination}, not to ${expected.acsUrl}`);
  }
  if (inspected.subjectConfirmationMethod !== bearer) {
    throw new SamlPolicyError('not_bearer', `The subject confirmation method is ${inspected.subjectConfirmationMethod ?? '(none)'}, not bearer`);
  }
  // saml-profiles §4.1.4.2: a bearer confirmation MUST carry the Recipient, the ACS URL.
  if (inspected.recipient !== expected.acsUrl) {
    throw new SamlPolicyError('wrong_recipient', `The assertion's Recipient is ${inspected.recipient ?? '(none)'}, not ${expected.acsUrl}`);
  }
  assertConfirmationCurrent(inspected.confirmationNotOnOrAfter, expected);
}

/**
 * saml-profiles §4.1.4.2: the bearer SubjectConfirmationData MUST carry NotOnOrAfter, the end of
 * the window in which the assertion may be delivered. node-saml checks it only when it validates
 * InResponseTo, so an IdP-initiated response past that time would pass it: Roster checks it on
 * every path, with node-saml's clock skew.
 */
function assertConfirmationCurrent(notOnOrAfter: string | undefined, expected: ResponsePolicy): void {
  // xs:dateTime in UTC as SAML requires (saml-core §1.3.3); anything Date cannot read is no bound.
  const end = notOnOrAfter === undefined || !/^\d{4}-\d\d-\d\dT/.test(notOnOrAfter) ? NaN : Date.parse(notOnOrAfter);
  if (Number.isNaN(end)) {
    throw new SamlPolicyError(
      'confirmation_unbounded',
      `The bearer subject confirmation has ${notOnOrAfter === undefined ? 'no' : `an unreadable (${notOnOrAfter})`} NotOnOrAfter; the SAML profile requires one`,
    );
  }
  if (expected.now.getTime() - expected.clockSkewMs >= end) {
    throw new SamlPolicyError(
      'confirmation_expired',
      `The bearer subject confirmation ran out at ${new Date(end).toISOString()} (NotOnOrAfter, ${expected.clockSkewMs / 1000} s clock skew allowed); the IdP's response arrived too late`,
    );
  }
}

function theAssertion(doc: Document, response: Element, statusCode: string): Element {
  const anywhere = selectElements("//*[local-name()='Assertion' or local-name()='EncryptedAssertion']", doc);
  if (anywhere.length > 1)
    throw new SamlPolicyError('several_assertions', `The SAML response contains ${anywhere.length} assertions; Roster accepts exactly one`);
  const assertion = anywhere[0];
  if (!assertion) {
    // An IdP reporting a failure sends no assertion: its status is the better explanation.
    if (statusCode !== success) throw new SamlPolicyError('not_success', `The IdP answered with status ${statusCode || '(none)'}`);
    throw new SamlPolicyError('no_assertion', 'The SAML response contains no assertion');
  }
  if (assertion.localName === 'EncryptedAssertion') throw new SamlPolicyError('encrypted_assertion', 'Encrypted assertions are not supported');
  if (assertion.parentNode !== response || !isElementNamed(assertion, namespaces.saml, 'Assertion')) {
    throw new SamlPolicyError('malformed', 'The assertion must be a saml:Assertion directly inside the Response');
  }
  return assertion;
}

/**
 * Signatures reference elements by ID; two elements with one ID let the verifier and the reader
 * pick different ones. xml-crypto resolves references through `ID`, `Id` and `id`, so all count.
 */
function refuseDuplicateIds(doc: Document): void {
  const ids = selectAttributeValues("//@*[local-name()='ID' or local-name()='Id' or local-name()='id']", doc);
  if (new Set(ids).size !== ids.length) throw new SamlPolicyError('duplicate_id', 'Two elements of the SAML response share an ID');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
