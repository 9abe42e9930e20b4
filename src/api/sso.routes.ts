import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import { parseInput } from '../http/validate.js';
import { deleteSsoConnection, findSsoConnection, saveSsoConnection, updateSsoSettings } from '../org/sso-connections.service.js';
import type { SsoConnection } from '../org/types.js';
import { parseIdpMetadata, normaliseCertificate } from '../sso/saml/metadata.js';
import { serviceProviderOf } from '../sso/saml/service-provider.js';
import { apiCallerOf, requireRole } from './access.js';

const mapping = z
  .object({
    email: z.array(z.string()).optional(),
    givenName: z.array(z.string()).optional(),
    familyName: z.array(z.string()).optional(),
    displayName: z.array(z.string()).optional(),
    groups: z.array(z.string()).optional(),
  })
  .strict();

const fromMetadata = z.object({ metadataXml: z.string().max(300_000), attributeMapping: mapping.optional() }).strict();
const fromFields = z
  .object({
    idpEntityId: z.string(),
    ssoUrl: z.string(),
    certificates: z.array(z.string().max(20_000)).min(1).max(5),
    nameIdFormat: z.string().max(200).nullable().optional(),
    attributeMapping: mapping.optional(),
  })
  .strict();
const connectionBody = z.union([fromMetadata, fromFields]);

const settings = z
  .object({
    jitEnabled: z.boolean().optional(),
    idpInitiatedEnabled: z.boolean().optional(),
    enforced: z.boolean().optional(),
    autoAssignSeats: z.boolean().optional(),
    autoSeatProducts: z.array(z.string()).max(20).optional(),
  })
  .strict();

function presentConnection(connection: SsoConnection | undefined, publicUrl: string, organizationId: string) {
  const sp = serviceProviderOf(publicUrl, organizationId, connection);
  return {
    serviceProvider: { entityId: sp.entityId, acsUrl: sp.acsUrl, loginUrl: sp.loginUrl, metadataUrl: sp.metadataUrl, nameIdFormat: sp.nameIdFormat },
    connection: connection
      ? {
          idpEntityId: connection.idpEntityId,
          ssoUrl: connection.ssoUrl,
          certificates: connection.certificates.length,
          nameIdFormat: connection.nameIdFormat,
          attributeMapping: connection.attributeMapping,
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

/** `/api/v1/sso`: an Admin connects the Organization's SAML IdP, reads the values to paste into it, and sets the switches. */
export function ssoRoutes(db: Knex, publicUrl: string): Router {
  const router = Router();
  router.use(requireRole('admin'));

  router.get('/', async (_req, res) => {
    const { organizationId } = apiCallerOf(res.locals);
    res.json(presentConnection(await inTransaction(db, (tx) => findSsoConnection(tx, organizationId)), publicUrl, organizationId));
  });

  // Creates or replaces the IdP side, from the IdP's metadata XML or from its fields.
  router.put('/', async (req, res) => {
    const caller = apiCallerOf(res.locals);
    const body = parseInput(connectionBody, req.body);
    const idp =
      'metadataXml' in body
        ? (() => {
            const metadata = parseIdpMetadata(body.metadataXml);
            return { idpEntityId: metadata.entityId, ssoUrl: metadata.ssoUrl, certificates: metadata.certificates, nameIdFormat: null };
          })()
        : { idpEntityId: body.idpEntityId, ssoUrl: body.ssoUrl, certificates: body.certificates.map(normaliseCertificate), nameIdFormat: body.nameIdFormat ?? null };
    const existed = Boolean(await inTransaction(db, (tx) => findSsoConnection(tx, caller.organizationId)));
    const saved = await inTransaction(db, (tx) => saveSsoConnection(tx, caller.actor, caller.organizationId, { ...idp, ...(body.attributeMapping ? { attributeMapping: body.attributeMapping } : {}) }));
    res.status(existed ? 200 : 201).json(presentConnection(saved, publicUrl, caller.organizationId));
  });

  router.patch('/settings', async (req, res) => {
    const caller = apiCallerOf(res.locals);
    const body = parseInput(settings, req.body);
    const saved = await inTransaction(db, (tx) => updateSsoSettings(tx, caller.actor, caller.organizationId, body));
    res.json(presentConnection(saved, publicUrl, caller.organizationId));
  });

  router.delete('/', async (_req, res) => {
    const caller = apiCallerOf(res.locals);
    await inTransaction(db, (tx) => deleteSsoConnection(tx, caller.actor, caller.organizationId));
    res.status(204).end();
  });

  return router;
}
