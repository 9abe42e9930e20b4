import type { Tx } from '../../db/transaction.js';
import type { AttributeMapping, SsoConnection, SsoSettings } from './types.js';

interface SsoConnectionRow {
  id: string;
  organization_id: string;
  idp_entity_id: string;
  sso_url: string;
  certificates: string[] | string;
  name_id_format: string | null;
  attribute_mapping: Partial<AttributeMapping> | string;
  enabled: boolean;
  jit_enabled: boolean;
  idp_initiated_enabled: boolean;
  enforced: boolean;
  auto_assign_seats: boolean;
  auto_seat_products: string[] | string;
  last_success_at: Date | null;
  last_failure_at: Date | null;
  last_failure_reason: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The IdP's settings as `saveSsoConnection` writes them, validated. */
export interface IdpSettings {
  idpEntityId: string;
  ssoUrl: string;
  certificates: string[];
  nameIdFormat: string | null;
  attributeMapping: Partial<AttributeMapping>;
}

/** jsonb comes back parsed from PostgreSQL and as text from some embedded-driver paths. */
function fromJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

function optionalDate(value: Date | null): Date | null {
  return value === null ? null : new Date(value);
}

function rowToSsoConnection(row: SsoConnectionRow): SsoConnection {
  return {
    id: row.id,
    organizationId: row.organization_id,
    idpEntityId: row.idp_entity_id,
    ssoUrl: row.sso_url,
    certificates: fromJson(row.certificates),
    nameIdFormat: row.name_id_format,
    attributeMapping: fromJson(row.attribute_mapping),
    enabled: row.enabled,
    jitEnabled: row.jit_enabled,
    idpInitiatedEnabled: row.idp_initiated_enabled,
    enforced: row.enforced,
    autoAssignSeats: row.auto_assign_seats,
    autoSeatProducts: fromJson(row.auto_seat_products),
    lastSuccessAt: optionalDate(row.last_success_at),
    lastFailureAt: optionalDate(row.last_failure_at),
    lastFailureReason: row.last_failure_reason,
    version: row.version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function idpColumns(settings: IdpSettings) {
  return {
    idp_entity_id: settings.idpEntityId,
    sso_url: settings.ssoUrl,
    certificates: JSON.stringify(settings.certificates),
    name_id_format: settings.nameIdFormat,
    attribute_mapping: JSON.stringify(settings.attributeMapping),
  };
}

const settingColumns: { [K in keyof SsoSettings]: string } = {
  enabled: 'enabled',
  jitEnabled: 'jit_enabled',
  idpInitiatedEnabled: 'idp_initiated_enabled',
  enforced: 'enforced',
  autoAssignSeats: 'auto_assign_seats',
  autoSeatProducts: 'auto_seat_products',
};

export async function selectSsoConnection(tx: Tx, organizationId: string): Promise<SsoConnection | undefined> {
  const row = await tx<SsoConnectionRow>('sso_connections').where({ organization_id: organizationId }).first();
  return row && rowToSsoConnection(row);
}

/** Reads the connection with its row lock: changes to it are planned on what they will overwrite. */
export async function lockSsoConnection(tx: Tx, organizationId: string): Promise<SsoConnection | undefined> {
  const row = await tx<SsoConnectionRow>('sso_connections').where({ organization_id: organizationId }).forUpdate().first();
  return row && rowToSsoConnection(row);
}

/**
 * Writes the IdP's settings: a new connection at version 1 (switched on or off as `enabled`
 * says), or over the existing one's (its switches and outcomes stay) with the version bumped.
 * The conflict clause makes two racing first saves one create and one replace instead of a
 * unique violation.
 */
export async function upsertSsoConnection(tx: Tx, id: string, organizationId: string, settings: IdpSettings, enabled: boolean): Promise<SsoConnection> {
  const columns = idpColumns(settings);
  const [row] = (await tx('sso_connections')
    .insert({ id, organization_id: organizationId, ...columns, enabled })
    .onConflict('organization_id')
    .merge({ ...columns, version: tx.raw('sso_connections.version + 1'), updated_at: tx.fn.now() })
    .returning('*')) as SsoConnectionRow[];
  return rowToSsoConnection(row!);
}

/** Writes the given switches and bumps the version. Undefined when the Organization has no connection. */
export async function updateSsoSettingsRow(tx: Tx, organizationId: string, settings: Partial<SsoSettings>): Promise<SsoConnection | undefined> {
  const columns: Record<string, unknown> = { version: tx.raw('version + 1'), updated_at: tx.fn.now() };
  for (const [key, value] of Object.entries(settings) as Array<[keyof SsoSettings, SsoSettings[keyof SsoSettings]]>) {
    columns[settingColumns[key]] = Array.isArray(value) ? JSON.stringify(value) : value;
  }
  const [row] = (await tx('sso_connections').where({ organization_id: organizationId }).update(columns).returning('*')) as SsoConnectionRow[];
  return row && rowToSsoConnection(row);
}

/** Deletes the connection; returns what was deleted. */
export async function deleteSsoConnectionRow(tx: Tx, organizationId: string): Promise<SsoConnection | undefined> {
  const [row] = (await tx('sso_connections').where({ organization_id: organizationId }).delete().returning('*')) as SsoConnectionRow[];
  return row && rowToSsoConnection(row);
}

/**
 * Stamps the last sign-in outcome in one statement. Status, not configuration: neither the
 * version nor `updated_at` moves, so an admin's If-Match is not broken by people signing in.
 */
export async function markSsoOutcome(tx: Tx, organizationId: string, outcome: { ok: true } | { ok: false; reason: string }): Promise<boolean> {
  const columns = outcome.ok ? { last_success_at: tx.fn.now() } : { last_failure_at: tx.fn.now(), last_failure_reason: outcome.reason };
  const rows = (await tx('sso_connections').where({ organization_id: organizationId }).update(columns).returning('id')) as unknown[];
  return rows.length > 0;
}

/** Enforcement in effect: switched on, on a connection that is switched on. */
export async function selectSsoEnforced(tx: Tx, organizationId: string): Promise<boolean> {
  const row = (await tx('sso_connections').where({ organization_id: organizationId, enabled: true }).first('enforced')) as { enforced: boolean } | undefined;
  return row?.enforced === true;
}
