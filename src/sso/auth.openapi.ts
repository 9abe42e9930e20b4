import { z } from 'zod';
import { sessionCredentials, type OperationDescription } from '../http/openapi.js';
import { organizationRoles } from '../org/organizations/types.js';

/**
 * `/auth` in the OpenAPI document. These routes are plain Express routes (they
 * answer HTML, redirects and cookies besides JSON), so they are described here
 * rather than declared through the admin API's registry: the routes parse their
 * input with the schemas below and type their answers with them, and
 * test/api/openapi.test.ts checks this list against the routes mounted and
 * their real answers against these schemas.
 */

const next = z.string().max(512).describe('Where a browser goes once signed in: one of Roster’s own paths (`/join/…`); anything else is refused');
export const emailSignInRequest = z.object({ email: z.string().max(320), organizationId: z.string().uuid().optional(), next: next.optional() }).strict();
export const signInLinkToken = z.object({ token: z.string().min(1).max(200), next: next.optional() }).strict();
export const invitationAcceptRequest = z.object({ token: z.string().min(1).max(200) }).strict();
export const invitationPreviewRequest = z.object({ token: z.string().min(1).max(200) }).strict();
export const ssoDiscoveryRequest = z.object({ email: z.string().max(320) }).strict();

export const ssoDiscoverySchema = z
  .object({
    sso: z.boolean().describe('The address’s domain is verified by an Organization with a SAML connection that is switched on'),
    enforced: z.boolean().describe('That Organization lets these addresses in through SSO only'),
    loginUrl: z.string().nullable().describe('Where to start the SSO sign-in (add `?RelayState=/path` to come back there)'),
  })
  .meta({ id: 'SsoDiscovery' });

export const invitationPreviewSchema = z
  .object({
    organization: z.object({ id: z.string(), name: z.string() }),
    email: z.string().describe('The address the invitation was sent to'),
    role: z.enum(organizationRoles),
    seats: z.array(z.string()).describe('The products whose seat it offers, each taken on joining if one is free then'),
    status: z.enum(['pending', 'expired', 'revoked', 'accepted']).describe('Only a `pending` invitation can be accepted'),
    expiresAt: z.string(),
    ssoRequired: z
      .object({ domain: z.string(), loginUrl: z.string().describe('The SSO sign-in of the Organization that enforces it') })
      .nullable()
      .describe('The invited address’s domain signs in with SSO only, so the invitation cannot be accepted with it'),
  })
  .meta({ id: 'InvitationPreview' });

export const signInRequestedSchema = z.object({ status: z.literal('sent'), expiresInSeconds: z.number().int() }).meta({ id: 'SignInRequested' });

/** What a completed sign-in answers an API client (`Accept: application/json`); see `answerSignIn`. */
const signInSchema = z
  .object({
    token: z.string().describe('The session token, for `Authorization: Bearer`'),
    expiresAt: z.string().describe('When the token expires; `POST /auth/refresh` gets a new one'),
    organizationId: z.string().nullable(),
    memberId: z.string().nullable(),
  })
  .meta({ id: 'SignIn' });

export const currentSessionSchema = z
  .object({
    account: z.object({ id: z.string(), email: z.string() }),
    organizationId: z.string().nullable(),
    member: z.object({ id: z.string(), role: z.enum(organizationRoles).nullable() }).nullable(),
    sessionId: z.string(),
  })
  .meta({ id: 'CurrentSession' });

export const refreshedTokenSchema = z.object({ token: z.string(), expiresAt: z.string() }).meta({ id: 'RefreshedToken' });

export const invitationAcceptedSchema = z
  .object({
    token: z.string().describe('A session token for the Organization joined'),
    expiresAt: z.string(),
    organizationId: z.string(),
    memberId: z.string(),
    role: z.enum(organizationRoles),
    seats: z.array(z.string()).describe('The products whose seats the invitation gave'),
    seatsUnavailable: z.array(z.string()).describe('The products it offered that had no seat free'),
  })
  .meta({ id: 'InvitationAccepted' });

const tag = 'Sign-in';
const sessionCookieSet = { 'Set-Cookie': 'The `roster_session` cookie (for a cookie session)' };
const browserSignIn = {
  description: 'Browsers: the session cookie, and a redirect to Roster’s start page',
  headers: { Location: 'Where to go next', 'Set-Cookie': 'The `roster_session` cookie' },
};
const signedIn = { description: 'API clients (`Accept: application/json`): the session token', json: signInSchema };
const formOrJson = ['application/json', 'application/x-www-form-urlencoded'] as const;

export const authOperations: readonly OperationDescription[] = [
  {
    method: 'post',
    path: '/auth/email',
    operationId: 'requestEmailSignIn',
    tag,
    credentials: [],
    summary: 'Mail a one-time sign-in link (valid 15 minutes) to an address',
    description: 'Answers 202 whoever asks, so it tells nobody who has an Account. With `organizationId` the session will be for that Organization.',
    body: emailSignInRequest,
    bodyMediaTypes: formOrJson,
    responses: { 202: { description: 'The link is on its way, if the address may sign in', json: signInRequestedSchema } },
    errors: [400, 403, 413, 429],
  },
  {
    method: 'post',
    path: '/auth/sso/discover',
    operationId: 'discoverSso',
    tag,
    credentials: [],
    summary: 'Whether an address signs in through its Organization’s SAML IdP, and where (home realm discovery)',
    description: 'The same shape for every address: it tells whether the domain has SSO, never whether the person is known. Limited per client like sign-in.',
    body: ssoDiscoveryRequest,
    responses: { 200: { description: 'SSO for this address, or none', json: ssoDiscoverySchema } },
    errors: [400, 413, 429],
  },
  {
    method: 'get',
    path: '/auth/email/verify',
    operationId: 'followSignInLink',
    tag,
    credentials: [],
    summary: 'Follow a sign-in link: API clients are signed in; browsers get a page whose button POSTs the link',
    description:
      'A GET never uses a browser’s link up, so mail scanners that fetch links cannot spend them. A browser following a used, expired or unknown link is sent to `/sign-in?error=link_used|link_expired|link_invalid`.',
    query: signInLinkToken,
    responses: { 200: { ...signedIn, description: `${signedIn.description}; browsers: the confirmation page`, text: 'text/html' } },
    errors: [400, 401, 403, 429],
  },
  {
    method: 'post',
    path: '/auth/email/verify',
    operationId: 'completeEmailSignIn',
    tag,
    credentials: [],
    summary: 'Use a sign-in link up and start a session',
    body: signInLinkToken,
    bodyMediaTypes: formOrJson,
    description:
      'A browser is redirected to `next` once signed in; when the sign-in fails it goes to `/sign-in?error=<code>` instead of getting the JSON error.',
    responses: { 200: signedIn, 303: browserSignIn },
    errors: [400, 401, 403, 413, 429],
  },
  {
    method: 'get',
    path: '/auth/session',
    operationId: 'getCurrentSession',
    tag,
    credentials: sessionCredentials,
    summary: 'Who is signed in: the Account, and the Organization and membership of this session (if any)',
    responses: { 200: { description: 'The session', json: currentSessionSchema } },
    errors: [401],
  },
  {
    method: 'post',
    path: '/auth/refresh',
    operationId: 'refreshSessionToken',
    tag,
    credentials: sessionCredentials,
    summary: 'A new token for this session (and, for a cookie session, a new cookie)',
    responses: { 200: { description: 'The new token', json: refreshedTokenSchema, headers: sessionCookieSet } },
    errors: [401, 403],
  },
  {
    method: 'post',
    path: '/auth/logout',
    operationId: 'signOut',
    tag,
    credentials: sessionCredentials,
    summary: 'End this session and clear its cookie',
    responses: { 204: { description: 'Signed out', headers: { 'Set-Cookie': 'Clears the `roster_session` cookie' } } },
    errors: [401, 403],
  },
  {
    method: 'post',
    path: '/auth/invitations/preview',
    operationId: 'previewInvitation',
    tag: 'Invitations',
    credentials: [],
    summary: 'What a join link offers (the Organization, the role, the seats, the address invited) and whether it can still be accepted',
    description: 'The token is the credential, as for accepting; an unknown or replaced one is 404 `invitation_not_found`. Limited per client like sign-in.',
    body: invitationPreviewRequest,
    responses: { 200: { description: 'The invitation', json: invitationPreviewSchema } },
    errors: [400, 404, 413, 429],
  },
  {
    method: 'post',
    path: '/auth/invitations/accept',
    operationId: 'acceptInvitation',
    tag: 'Invitations',
    credentials: sessionCredentials,
    summary: 'Accept an invitation (the token of its join link) with any session, and get a session in the Organization joined',
    body: invitationAcceptRequest,
    responses: { 200: { description: 'Joined', json: invitationAcceptedSchema, headers: sessionCookieSet } },
    errors: [400, 401, 403, 404, 409, 413, 429],
  },
];
