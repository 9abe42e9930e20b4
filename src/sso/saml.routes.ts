import { SAML, type Profile } from '@node-saml/node-saml';
import { MultiSamlStrategy } from '@node-saml/passport-saml';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { Passport } from 'passport';
import { isId } from '../db/ids.js';
import { inTransaction } from '../db/transaction.js';
import { DomainError, InvalidInputError, NotFoundError, UnauthenticatedError } from '../errors.js';
import { log } from '../log.js';
import { consumeSamlRequest, recordAssertionOnce } from '../org/sso-connections/saml-state.service.js';
import { findSsoConnection, findSsoConnectionForSignIn, recordSsoOutcome } from '../org/sso-connections/sso-connections.service.js';
import type { SsoConnection } from '../org/sso-connections/types.js';
import { profileFromClaims } from './saml/attributes.js';
import { assertResponsePolicy, inspectSamlResponse, SamlPolicyError } from './saml/response-checks.js';
import { acceptedClockSkewMs, samlOptionsFor, samlRequestStore, serviceProviderOf, type ServiceProvider } from './saml/service-provider.js';
import type { CookieSettings } from '../http/session-auth.js';
import type { SessionTokens } from '../http/session-tokens.js';
import { safeRelayState } from './relay-state.js';
import { answerSignIn } from './sign-in-answer.js';
import { completeSsoSignIn } from './sso-sign-in.service.js';

export interface SamlRouteOptions {
  db: Knex;
  tokens: SessionTokens;
  cookies: CookieSettings;
  publicUrl: string;
  sessionMaxAgeMs: number;
}

interface SsoContext {
  connection: SsoConnection;
  sp: ServiceProvider;
}

/** An assertion id is remembered this long: past the oldest assertion node-saml accepts, plus clock skew. */
const replayWindowMs = 15 * 60_000;

/**
 * `/sso/{organizationId}`: the SAML service provider of each Organization with a
 * connection — metadata, SP-initiated login, and the ACS that turns a response
 * into a session. node-saml (through passport-saml's MultiSamlStrategy) checks
 * signature, audience and times; Roster adds what it does not: issuer,
 * destination and recipient, bearer confirmation and its NotOnOrAfter on every
 * path, SHA-1, one assertion, the
 * IdP-initiated switch, atomic InResponseTo consumption and the replay cache.
 */
export function samlRoutes({ db, tokens, cookies, publicUrl, sessionMaxAgeMs }: SamlRouteOptions): Router {
  const router = Router();
  const passport = new Passport();
  passport.use(
    'saml',
    new MultiSamlStrategy(
      {
        passReqToCallback: true,
        getSamlOptions: (req, done) => {
          const { connection, sp } = ssoOf(req);
          done(null, samlOptionsFor(connection, sp, samlRequestStore(db, connection.organizationId)));
        },
      },
      (_req, profile, done) => done(null, profile as unknown as Record<string, unknown>),
      (_req, _profile, done) => done(null, {}),
    ),
  );

  /**
   * Finds the Organization's connection: for signing in (login, ACS) the one the domain lets people
   * sign in through (none while switched off); for the SP metadata, whatever is saved.
   */
  const loader =
    (use: 'metadata' | 'sign-in') =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const organizationId = String(req.params.organizationId);
      const find = use === 'sign-in' ? findSsoConnectionForSignIn : findSsoConnection;
      const connection = isId(organizationId) ? await inTransaction(db, (tx) => find(tx, organizationId)) : undefined;
      if (!connection) throw new NotFoundError('sso_connection', organizationId);
      (req as Request & { sso?: SsoContext }).sso = { connection, sp: serviceProviderOf(publicUrl, organizationId, connection) };
      next();
    };
  const load = loader('sign-in');

  router.get('/:organizationId/metadata', loader('metadata'), (req, res) => {
    const { connection, sp } = ssoOf(req);
    const saml = new SAML(samlOptionsFor(connection, sp, samlRequestStore(db, connection.organizationId)));
    res.type('application/samlmetadata+xml').send(saml.generateServiceProviderMetadata(null, null));
  });

  router.get('/:organizationId/login', load, (req, res, next) => {
    // The strategy reads RelayState from the query: it sees only a checked one.
    const relayState = safeRelayState(req.query.RelayState ?? req.query.returnTo);
    Object.defineProperty(req, 'query', { value: { RelayState: relayState }, configurable: true });
    passport.authenticate('saml', { session: false })(req, res, next);
  });

  router.post('/:organizationId/acs', express.urlencoded({ extended: false, limit: '512kb', parameterLimit: 20 }), load, async (req, res) => {
    const { connection, sp } = ssoOf(req);
    const organizationId = connection.organizationId;
    try {
      const xml = decodedResponse(req.body?.SAMLResponse);
      const inspected = inspectSamlResponse(xml);
      assertResponsePolicy(inspected, { idpEntityId: connection.idpEntityId, acsUrl: sp.acsUrl, now: new Date(), clockSkewMs: acceptedClockSkewMs });
      if (!inspected.inResponseTo && !connection.idpInitiatedEnabled) {
        throw new UnauthenticatedError('idp_initiated_disabled', 'This Organization does not accept sign-ins started at the identity provider');
      }
      const profile = await validated(passport, req, res);
      const claims = profileFromClaims(
        profile.nameID,
        profile.nameIDFormat,
        (profile.attributes ?? {}) as Record<string, unknown>,
        connection.attributeMapping,
      );
      const signed = await inTransaction(db, async (tx) => {
        if (inspected.inResponseTo && !(await consumeSamlRequest(tx, organizationId, inspected.inResponseTo))) {
          throw new UnauthenticatedError('saml_request_unknown', 'This response answers no sign-in Roster is waiting for (unknown, expired or already used)');
        }
        if (!(await recordAssertionOnce(tx, organizationId, inspected.assertionId, new Date(Date.now() + replayWindowMs)))) {
          throw new UnauthenticatedError('saml_replayed', 'This assertion has been used already');
        }
        return completeSsoSignIn(tx, connection, { nameId: profile.nameID, ...claims }, sessionMaxAgeMs);
      });
      await inTransaction(db, (tx) => recordSsoOutcome(tx, organizationId, { ok: true }));
      await answerSignIn(req, res, tokens, cookies, signed.session, safeRelayState(req.body?.RelayState));
    } catch (raw) {
      const error = asSignInError(raw);
      await inTransaction(db, (tx) => recordSsoOutcome(tx, organizationId, { ok: false, reason: `${error.code}: ${error.message}` })).catch(() => {});
      throw error;
    }
  });

  return router;
}

function ssoOf(req: Request): SsoContext {
  return (req as Request & { sso: SsoContext }).sso;
}

/** The posted SAMLResponse as XML; anything else is a malformed request. */
function decodedResponse(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || !/^[A-Za-z0-9+/=\r\n]+$/.test(value)) {
    throw new InvalidInputError('invalid_saml_response', 'SAMLResponse must be a base64-encoded SAML Response');
  }
  const xml = Buffer.from(value, 'base64').toString('utf8').trim();
  if (!xml.startsWith('<')) throw new InvalidInputError('invalid_saml_response', 'SAMLResponse is not XML');
  return xml;
}

/** Runs passport-saml's validation (node-saml) and answers the profile, or throws. */
function validated(passport: InstanceType<typeof Passport>, req: Request, res: Response): Promise<Profile> {
  return new Promise((resolve, reject) => {
    passport.authenticate('saml', { session: false }, (error: unknown, user: unknown) => {
      if (error) reject(error);
      else if (!user) reject(new Error('the identity provider’s response was not accepted'));
      else resolve(user as Profile);
    })(req, res, (error?: unknown) => reject(error ?? new Error('SAML validation did not complete')));
  });
}

/**
 * What a failed sign-in answers: the domain's own errors as they are; Roster's
 * policy refusals and node-saml's as 401 (malformed XML or a DOCTYPE: 400).
 */
function asSignInError(raw: unknown): DomainError {
  if (raw instanceof DomainError) return raw;
  if (raw instanceof SamlPolicyError) {
    if (raw.reason === 'doctype' || raw.reason === 'malformed') return new InvalidInputError('invalid_saml_response', raw.message);
    return new UnauthenticatedError(`saml_${raw.reason}`, raw.message);
  }
  log().info({ reason: raw instanceof Error ? raw.message : String(raw) }, 'SAML response rejected');
  return new UnauthenticatedError('saml_rejected', `The identity provider's response was rejected: ${raw instanceof Error ? raw.message : 'invalid'}`);
}
