import type { Knex } from 'knex';
import { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import { deleteSsoConnection, findSsoConnection, saveSsoConnection, updateSsoSettings } from '../org/sso-connections/sso-connections.service.js';
import type { SsoConnection } from '../org/sso-connections/types.js';
import { defineRoute, type ApiRoute } from './registry.js';

/**
 * What the SSO settings need of the SAML protocol; the app's wiring passes src/sso/saml's
 * (samlSettingsSupport), so the API depends on no SAML code of its own.
 */
export interface SamlSettingsSupport {
  /** The IdP's entity id, SSO URL and signing certificates from its metadata XML; a 400 when it is not usable. */
  parseIdpMetadata(xml: string): { entityId: string; ssoUrl: string; certificates: string[] };
  /** A certificate, PEM or base64 DER, as base64 DER; a 400 when it is not one. */
  normaliseCertificate(text: string): string;
  /** The metadata document at an https URL on a public host. */
  fetchMetadata(url: string): Promise<string>;
  /** The values Roster gives the IdP for this Organization. */
  serviceProviderOf(
    publicUrl: string,
    organizationId: string,
    connection?: Pick<SsoConnection, 'nameIdFormat'>,
  ): { entityId: string; acsUrl: string; loginUrl: string; metadataUrl: string; nameIdFormat: string };
}

const mapping = z
  .object({
    email: z.array(z.string()).optional(),
    givenName: z.array(z.string()).optional(),
    familyName: z.array(z.string()).optional(),
    displayName: z.array(z.string()).optional(),
    groups: z.array(z.string()).optional(),
  })
  .strict();

const enabledWithSave = z
  .boolean()
  .optional()
  .describe('Switch SSO on (true) or off (false) with this save; left out, it stays as it is, and a new connection starts off');
const fromMetadata = z.object({ metadataXml: z.string().max(300_000), attributeMapping: mapping.optional(), enabled: enabledWithSave }).strict();
const fromUrl = z
  .object({
    metadataUrl: z.string().max(2048).describe('An https URL of the IdP metadata; Roster fetches it once, now (public addresses only, no redirects)'),
    attributeMapping: mapping.optional(),
    enabled: enabledWithSave,
  })
  .strict();
const fromFields = z
  .object({
    idpEntityId: z.string(),
    ssoUrl: z.string(),
    certificates: z.array(z.string().max(20_000)).min(1).max(5),
    nameIdFormat: z.string().max(200).nullable().optional(),
    attributeMapping: mapping.optional(),
    enabled: enabledWithSave,
  })
  .strict();
const connectionBody = z.union([fromMetadata, fromUrl, fromFields]);

const settings = z
  .object({
    enabled: z.boolean().optional().describe('SSO signs people in at all; off, the connection is kept, signs nobody in and enforces nothing'),
    jitEnabled: z.boolean().optional(),
    idpInitiatedEnabled: z.boolean().optional(),
    enforced: z.boolean().optional().describe('Only SSO signs in the verified domains’ addresses; in effect while `enabled` is on'),
    autoAssignSeats: z.boolean().optional(),
    autoSeatProducts: z.array(z.string()).max(20).optional(),
  })
  .strict();

const timestamp = z.string().nullable();

const ssoSchema = z
  .object({
    serviceProvider: z.object({ entityId: z.string(), acsUrl: z.string(), loginUrl: z.string(), metadataUrl: z.string(), nameIdFormat: z.string() }),
    connection: z
      .object({
        idpEntityId: z.string(),
        ssoUrl: z.string(),
        certificates: z.number().int(),
        nameIdFormat: z.string().nullable(),
        attributeMapping: z.record(z.string(), z.array(z.string())),
        enabled: z.boolean(),
        jitEnabled: z.boolean(),
        idpInitiatedEnabled: z.boolean(),
        enforced: z.boolean(),
        autoAssignSeats: z.boolean(),
        autoSeatProducts: z.array(z.string()),
        version: z.number().int(),
      })
      .nullable(),
    status: z.object({ lastSuccessAt: timestamp, lastFailureAt: timestamp, lastFailureReason: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'SsoConnection' });

function presentConnection(
  saml: SamlSettingsSupport,
  connection: SsoConnection | undefined,
  publicUrl: string,
  organizationId: string,
): z.infer<typeof ssoSchema> {
  const sp = saml.serviceProviderOf(publicUrl, organizationId, connection);
  return {
    serviceProvider: { entityId: sp.entityId, acsUrl: sp.acsUrl, loginUrl: sp.loginUrl, metadataUrl: sp.metadataUrl, nameIdFormat: sp.nameIdFormat },
    connection: connection
      ? {
          idpEntityId: connection.idpEntityId,
          ssoUrl: connection.ssoUrl,
          certificates: connection.certificates.length,
          nameIdFormat: connection.nameIdFormat,
          attributeMapping: connection.attributeMapping as Record<string, string[]>,
          enabled: connection.enabled,
          jitEnabled: connection.jitEnabled,
          idpInitiatedEnabled: connection.idpInitiatedEnabled,
          enforced: connection.enforced,
          autoAssignSeats: connection.autoAssignSeats,
          autoSeatProducts: connection.autoSeatProducts,
          version: connection.version,
        }
      : null,
    status: connection
      ? {
          lastSuccessAt: connection.lastSuccessAt?.toISOString() ?? null,
          lastFailureAt: connection.lastFailureAt?.toISOString() ?? null,
          lastFailureReason: connection.lastFailureReason,
        }
      : null,
  };
}

function idpFromMetadata(saml: SamlSettingsSupport, xml: string) {
  const metadata = saml.parseIdpMetadata(xml);
  return { idpEntityId: metadata.entityId, ssoUrl: metadata.ssoUrl, certificates: metadata.certificates, nameIdFormat: null };
}

const admin = ['admin'] as const;
const tag = 'SSO';

/** `/sso`: an Admin connects the Organization's SAML IdP, reads the values to paste into it, and sets the switches. */
export function ssoRoutes(db: Knex, publicUrl: string, saml: SamlSettingsSupport): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/sso',
      operationId: 'getSsoConnection',
      summary: 'The SP values to paste into the IdP, the connection and its last sign-in outcomes',
      tag,
      roles: admin,
      response: { status: 200, schema: ssoSchema },
      handle: async ({ caller }) =>
        presentConnection(saml, await inTransaction(db, (tx) => findSsoConnection(tx, caller.organizationId)), publicUrl, caller.organizationId),
    }),
    defineRoute({
      method: 'put',
      path: '/sso',
      operationId: 'configureSsoConnection',
      summary:
        'Create or replace the IdP side, from its metadata XML, its metadata URL or its fields (switches are kept; a new connection starts off unless `enabled` is given)',
      tag,
      roles: admin,
      body: connectionBody,
      response: { status: 200, schema: ssoSchema, alternatives: [201] },
      handle: async ({ caller, body, res }) => {
        // A URL is fetched before the transaction: no connection is held while the IdP's server answers.
        const idp =
          'idpEntityId' in body
            ? {
                idpEntityId: body.idpEntityId,
                ssoUrl: body.ssoUrl,
                certificates: body.certificates.map((certificate) => saml.normaliseCertificate(certificate)),
                nameIdFormat: body.nameIdFormat ?? null,
              }
            : idpFromMetadata(saml, 'metadataUrl' in body ? await saml.fetchMetadata(body.metadataUrl) : body.metadataXml);
        const input = {
          ...idp,
          ...(body.attributeMapping ? { attributeMapping: body.attributeMapping } : {}),
          ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
        };
        const saved = await inTransaction(db, (tx) => saveSsoConnection(tx, caller.actor, caller.organizationId, input));
        // 201 the first time: the connection was created.
        if (saved.version === 1) res.locals.status = 201;
        return presentConnection(saml, saved, publicUrl, caller.organizationId);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/sso/settings',
      operationId: 'updateSsoSettings',
      summary: 'Switch SSO itself, JIT, IdP-initiated sign-in, enforcement and automatic seats',
      tag,
      roles: admin,
      body: settings,
      response: { status: 200, schema: ssoSchema },
      handle: async ({ caller, body }) =>
        presentConnection(
          saml,
          await inTransaction(db, (tx) => updateSsoSettings(tx, caller.actor, caller.organizationId, body)),
          publicUrl,
          caller.organizationId,
        ),
    }),
    defineRoute({
      method: 'delete',
      path: '/sso',
      operationId: 'deleteSsoConnection',
      summary: 'Disconnect the IdP',
      tag,
      roles: admin,
      response: { status: 204, schema: null },
      handle: ({ caller }) => inTransaction(db, (tx) => deleteSsoConnection(tx, caller.actor, caller.organizationId)),
    }),
  ];
}
