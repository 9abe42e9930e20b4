// samlify is CommonJS and Node's ESM loader does not detect all its exports (SamlLib): use the default.
import samlify from 'samlify';
import type { TestKeyPair } from './saml-idp.js';

/**
 * A second, independent IdP built on samlify (its own templates, signing code and signature
 * placement), so Roster's SP is not tested only against responses from its own test builder.
 *
 * samlify refuses to run without a schema validator. This IdP only *produces* responses, and the
 * validator is used on what samlify parses, so a permissive one is acceptable here — in tests
 * only; nothing in Roster uses samlify to read responses.
 */
samlify.setSchemaValidator({ validate: async () => 'skipped' });

const post = samlify.Constants.namespace.binding.post;
const redirect = samlify.Constants.namespace.binding.redirect;
const emailFormat = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

export interface SamlifyResponseOptions {
  idp: TestKeyPair & { entityId: string; ssoUrl: string };
  /** The SP's entity id, which samlify puts in the Audience. */
  spEntityId: string;
  acsUrl: string;
  email: string;
  attributes?: Record<string, string>;
  inResponseTo?: string;
  /** samlify signs the assertion when the SP wants it, the message when the SP wants that. */
  signAssertion: boolean;
  signResponse: boolean;
}

/** A base64 SAMLResponse produced and signed by samlify for the HTTP-POST binding. */
export async function samlifyLoginResponse(o: SamlifyResponseOptions): Promise<string> {
  const attributes = Object.keys(o.attributes ?? {}).map((name, i) => ({
    name,
    nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
    valueTag: `value${i}`,
    valueXsiType: 'xs:string',
  }));
  const idp = samlify.IdentityProvider({
    entityID: o.idp.entityId,
    privateKey: o.idp.privateKey,
    signingCert: o.idp.cert,
    nameIDFormat: [emailFormat],
    singleSignOnService: [{ Binding: redirect, Location: o.idp.ssoUrl }],
    singleLogoutService: [{ Binding: redirect, Location: o.idp.ssoUrl }],
    loginResponseTemplate: { context: samlify.SamlLib.defaultLoginResponseTemplate.context, attributes },
  });
  const sp = samlify.ServiceProvider({
    entityID: o.spEntityId,
    assertionConsumerService: [{ Binding: post, Location: o.acsUrl }],
    wantAssertionsSigned: o.signAssertion,
    wantMessageSigned: o.signResponse,
  });

  // samlify's own template, filled with the values samlify would use itself, plus the attributes.
  const now = new Date();
  const fiveMinutesLater = new Date(now.getTime() + 5 * 60_000).toISOString();
  const values: Record<string, string | undefined> = {
    ID: `_${crypto.randomUUID()}`,
    AssertionID: `_${crypto.randomUUID()}`,
    Destination: o.acsUrl,
    Audience: o.spEntityId,
    EntityID: o.spEntityId,
    SubjectRecipient: o.acsUrl,
    Issuer: o.idp.entityId,
    IssueInstant: now.toISOString(),
    StatusCode: samlify.Constants.StatusCode.Success,
    ConditionsNotBefore: now.toISOString(),
    ConditionsNotOnOrAfter: fiveMinutesLater,
    SubjectConfirmationDataNotOnOrAfter: fiveMinutesLater,
    NameIDFormat: emailFormat,
    NameID: o.email,
    InResponseTo: o.inResponseTo,
    AuthnStatement: '',
    ...Object.fromEntries(Object.values(o.attributes ?? {}).map((value, i) => [`attrValue${i}`, value])),
  };
  const result = await idp.createLoginResponse(
    sp,
    { extract: {} },
    'post',
    { email: o.email },
    {
      customTagReplacement: (template) => ({
        id: values.ID!,
        context: samlify.SamlLib.replaceTagsByValue(template, values),
      }),
    },
  );
  return result.context;
}
