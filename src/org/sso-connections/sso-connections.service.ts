import { isId, newId } from '../../db/ids.js';
import type { Tx } from '../../db/transaction.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { recordEvent } from '../audit/audit.service.js';
import { findVerifiedDomain } from '../domains/domains.service.js';
import { selectOrganization } from '../organizations/organizations.repo.js';
import {
  optionalEnabled,
  optionalNameIdFormat,
  requireAttributeMapping,
  requireCertificates,
  requireEntityId,
  requireSsoSettings,
  requireSsoUrl,
} from './sso-connection-input.js';
import {
  deleteSsoConnectionRow,
  lockSsoConnection,
  markSsoOutcome,
  selectSsoConnection,
  selectSsoEnforced,
  updateSsoSettingsRow,
  upsertSsoConnection,
  type IdpSettings,
} from './sso-connections.repo.js';
import { attributeMappingFields, type AttributeMapping, type SsoConnection, type SsoSettings } from './types.js';
import type { Actor } from '../organizations/types.js';
import { assertVersion, type ExpectedVersion } from '../organizations/versions.js';

/**
 * An Organization's SAML SSO connection: the IdP's settings, which an admin replaces as a whole
 * (usually from the IdP's metadata), and the switches, which they flip one by one. At most one
 * per Organization. `version` grows with every change of either, for If-Match.
 *
 * A connection starts switched off (`enabled`) unless its first save asks otherwise: the admin
 * checks the IdP side, then switches SSO on. Off, it is kept but signs nobody in and enforces
 * nothing; `enforced` stays as set and takes effect again when SSO is switched back on.
 *
 * Audit: `sso.connection_saved` (created or replaced; never the certificates themselves),
 * `sso.settings_changed` (from/to of each switch changed, `enabled` included, also when a save
 * switches it), `sso.connection_deleted`.
 * Sign-in outcomes are status, written on every sign-in: no event.
 */

export interface SsoConnectionInput {
  idpEntityId: string;
  ssoUrl: string;
  certificates: string[];
  nameIdFormat?: string | null;
  attributeMapping?: Partial<AttributeMapping>;
  /** Switch SSO on or off with the save; absent, it stays as it is (off for a new connection). */
  enabled?: boolean;
}

export interface IfVersion {
  /** Refuse the change (`version_mismatch`) unless the connection is at this version; 0 means "there is none yet". */
  ifVersion?: ExpectedVersion;
}

export type SsoOutcome = { ok: true } | { ok: false; reason: string };

const maxFailureReasonLength = 500;

export async function findSsoConnection(tx: Tx, organizationId: string): Promise<SsoConnection | undefined> {
  return isId(organizationId) ? selectSsoConnection(tx, organizationId) : undefined;
}

/**
 * The connection people sign in through: none while it is switched off, whatever else it holds
 * (the same answer as no connection, for the SP login and the ACS alike). Its SP metadata stays
 * readable through `findSsoConnection`, since an admin pastes it into the IdP before switching on.
 */
export async function findSsoConnectionForSignIn(tx: Tx, organizationId: string): Promise<SsoConnection | undefined> {
  const connection = await findSsoConnection(tx, organizationId);
  return connection?.enabled ? connection : undefined;
}

export async function getSsoConnection(tx: Tx, organizationId: string): Promise<SsoConnection> {
  const connection = await findSsoConnection(tx, organizationId);
  if (!connection) throw new NotFoundError('sso_connection');
  return connection;
}

/**
 * Creates the connection, or replaces its IdP settings: entity id, SSO URL, certificates,
 * NameID format and attribute mapping are all taken from `input` (an absent mapping or format
 * clears the old one); the switches and the last outcomes stay, except `enabled` when `input`
 * names it. Saving what is already stored changes nothing and records nothing.
 */
export async function saveSsoConnection(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  input: SsoConnectionInput,
  options: IfVersion = {},
): Promise<SsoConnection> {
  const settings: IdpSettings = {
    idpEntityId: requireEntityId(input.idpEntityId),
    ssoUrl: requireSsoUrl(input.ssoUrl),
    certificates: requireCertificates(input.certificates),
    nameIdFormat: optionalNameIdFormat(input.nameIdFormat),
    attributeMapping: requireAttributeMapping(input.attributeMapping),
  };
  const enabled = optionalEnabled(input.enabled);
  if (!isId(organizationId) || !(await selectOrganization(tx, organizationId))) throw new NotFoundError('organization', organizationId);
  const existing = await lockSsoConnection(tx, organizationId);
  assertVersion('SSO connection', existing?.version ?? 0, options.ifVersion);
  const saved =
    existing && sameIdpSettings(existing, settings) ? existing : await writeIdpSettings(tx, actor, organizationId, existing, settings, enabled ?? false);
  // Switching an existing connection (or the winner of a racing first save) is a switch like any other.
  return enabled === undefined || saved.enabled === enabled ? saved : changeSettings(tx, actor, saved, { enabled });
}

async function writeIdpSettings(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  existing: SsoConnection | undefined,
  settings: IdpSettings,
  enabledIfNew: boolean,
): Promise<SsoConnection> {
  const saved = await upsertSsoConnection(tx, existing?.id ?? newId(), organizationId, settings, enabledIfNew);
  await recordEvent(tx, organizationId, actor, {
    action: 'sso.connection_saved',
    target: { type: 'sso_connection', id: saved.id },
    data: {
      // A racing first save that lost becomes a replace: the version says which one this was.
      created: saved.version === 1,
      idpEntityId: saved.idpEntityId,
      ssoUrl: saved.ssoUrl,
      certificates: saved.certificates.length,
      nameIdFormat: saved.nameIdFormat,
      attributeMapping: saved.attributeMapping,
      enabled: saved.enabled,
    },
  });
  return saved;
}

/** Flips the switches named in `settings`. Switches already as asked change nothing and record nothing. */
export async function updateSsoSettings(
  tx: Tx,
  actor: Actor,
  organizationId: string,
  settings: Partial<SsoSettings>,
  options: IfVersion = {},
): Promise<SsoConnection> {
  const requested = requireSsoSettings(settings);
  const connection = await lockExistingConnection(tx, organizationId);
  assertVersion('SSO connection', connection.version, options.ifVersion);
  return changeSettings(tx, actor, connection, requested);
}

/** Writes the requested switches that differ from the locked `connection`'s, and records them. */
async function changeSettings(tx: Tx, actor: Actor, connection: SsoConnection, requested: Partial<SsoSettings>): Promise<SsoConnection> {
  const organizationId = connection.organizationId;
  const changes: Partial<SsoSettings> = {};
  const data: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, to] of Object.entries(requested) as Array<[keyof SsoSettings, SsoSettings[keyof SsoSettings]]>) {
    const from = connection[key];
    if (sameJson(from, to)) continue;
    Object.assign(changes, { [key]: to });
    data[key] = { from, to };
  }
  if (Object.keys(changes).length === 0) return connection;

  const updated = (await updateSsoSettingsRow(tx, organizationId, changes))!;
  await recordEvent(tx, organizationId, actor, { action: 'sso.settings_changed', target: { type: 'sso_connection', id: connection.id }, data });
  return updated;
}

export async function deleteSsoConnection(tx: Tx, actor: Actor, organizationId: string, options: IfVersion = {}): Promise<void> {
  if (options.ifVersion !== undefined) assertVersion('SSO connection', (await lockExistingConnection(tx, organizationId)).version, options.ifVersion);
  const deleted = isId(organizationId) ? await deleteSsoConnectionRow(tx, organizationId) : undefined;
  if (!deleted) throw new NotFoundError('sso_connection');
  await recordEvent(tx, organizationId, actor, {
    action: 'sso.connection_deleted',
    target: { type: 'sso_connection', id: deleted.id },
    data: { idpEntityId: deleted.idpEntityId, ssoUrl: deleted.ssoUrl },
  });
}

/**
 * Stamps the outcome of a sign-in through the connection, for the admin's status page. One
 * UPDATE by the Organization's unique key, so a route may run it with `inOneStatement`. The
 * reason is what the SAML adapter explains to admins; it is cut to 500 characters. Returns
 * false when the Organization has no connection.
 */
export async function recordSsoOutcome(tx: Tx, organizationId: string, outcome: SsoOutcome): Promise<boolean> {
  if (!isId(organizationId)) return false;
  if (outcome.ok) return markSsoOutcome(tx, organizationId, outcome);
  const reason =
    Array.from(String(outcome.reason ?? '').trim())
      .slice(0, maxFailureReasonLength)
      .join('') || 'unknown failure';
  return markSsoOutcome(tx, organizationId, { ok: false, reason });
}

/** Whether the Organization's members must sign in through its IdP; false without a connection, or with one switched off. */
export async function isSsoEnforcedFor(tx: Tx, organizationId: string): Promise<boolean> {
  return isId(organizationId) && (await selectSsoEnforced(tx, organizationId));
}

/**
 * SSO enforcement: an email on a domain verified by an Organization that enforces SSO
 * gets in through that Organization's identity provider only — not by an email sign-in
 * link, and not by an invitation (sent or accepted). `loginUrlOf` lets the SSO adapter
 * say where to sign in instead; the domain layer knows no URLs.
 */
export async function assertEmailMaySignInWithoutSso(tx: Tx, email: string, loginUrlOf?: (organizationId: string) => string): Promise<void> {
  const domain = await findVerifiedDomain(tx, email);
  if (!domain || !(await isSsoEnforcedFor(tx, domain.organizationId))) return;
  throw new ForbiddenError('sso_required', `Addresses on ${domain.domain} sign in with SSO through their Organization's identity provider`, {
    organizationId: domain.organizationId,
    domain: domain.domain,
    ...(loginUrlOf ? { loginUrl: loginUrlOf(domain.organizationId) } : {}),
  });
}

async function lockExistingConnection(tx: Tx, organizationId: string): Promise<SsoConnection> {
  const connection = isId(organizationId) ? await lockSsoConnection(tx, organizationId) : undefined;
  if (!connection) throw new NotFoundError('sso_connection');
  return connection;
}

function sameIdpSettings(connection: SsoConnection, settings: IdpSettings): boolean {
  return (
    connection.idpEntityId === settings.idpEntityId &&
    connection.ssoUrl === settings.ssoUrl &&
    connection.nameIdFormat === settings.nameIdFormat &&
    sameJson(connection.certificates, settings.certificates) &&
    attributeMappingFields.every((field) => sameJson(connection.attributeMapping[field], settings.attributeMapping[field]))
  );
}

/** Equality of JSON values whose arrays are ordered (certificates, products, claim names). */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
