import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import type { TxtLookup } from '../dns/txt-resolver.js';
import { parseInput } from '../http/validate.js';
import { checkDomainTxt, claimDomain, deleteDomain, getDomain, listDomains, recordDomainCheck, setDomainAutoJoin } from '../org/domains.service.js';
import type { Domain } from '../org/types.js';
import { apiCallerOf, requireRole } from './access.js';

const claim = z.object({ domain: z.string().max(300) }).strict();
const settings = z.object({ autoJoin: z.boolean() }).strict();

export function presentDomain(domain: Domain) {
  return {
    id: domain.id,
    domain: domain.domain,
    status: domain.status,
    txtRecord: { name: domain.domain, type: 'TXT', value: domain.txtRecord },
    verifiedAt: domain.verifiedAt?.toISOString() ?? null,
    lastCheckedAt: domain.lastCheckedAt?.toISOString() ?? null,
    lastError: domain.lastError,
    autoJoin: domain.autoJoin,
    createdAt: domain.createdAt.toISOString(),
  };
}

/** `/api/v1/domains`: an Admin claims, verifies and removes the Organization's email domains. */
export function domainsRoutes(db: Knex, lookupTxt: TxtLookup): Router {
  const router = Router();
  router.use(requireRole('admin'));

  router.get('/', async (_req, res) => {
    const { organizationId } = apiCallerOf(res.locals);
    const domains = await inTransaction(db, (tx) => listDomains(tx, organizationId));
    res.json({ domains: domains.map(presentDomain) });
  });

  router.post('/', async (req, res) => {
    const caller = apiCallerOf(res.locals);
    const body = parseInput(claim, req.body);
    const domain = await inTransaction(db, (tx) => claimDomain(tx, caller.actor, caller.organizationId, body.domain));
    res.status(201).json(presentDomain(domain));
  });

  router.get('/:id', async (req, res) => {
    const { organizationId } = apiCallerOf(res.locals);
    res.json(presentDomain(await inTransaction(db, (tx) => getDomain(tx, organizationId, req.params.id))));
  });

  // The DNS lookup runs between two short transactions: no connection is held while DNS answers.
  router.post('/:id/verify', async (req, res) => {
    const caller = apiCallerOf(res.locals);
    const claimed = await inTransaction(db, (tx) => getDomain(tx, caller.organizationId, req.params.id));
    const check = await checkDomainTxt(claimed, lookupTxt);
    const domain = await inTransaction(db, (tx) => recordDomainCheck(tx, caller.actor, caller.organizationId, claimed.id, check));
    res.json(presentDomain(domain));
  });

  router.patch('/:id', async (req, res) => {
    const caller = apiCallerOf(res.locals);
    const body = parseInput(settings, req.body);
    res.json(presentDomain(await inTransaction(db, (tx) => setDomainAutoJoin(tx, caller.actor, caller.organizationId, req.params.id, body.autoJoin))));
  });

  router.delete('/:id', async (req, res) => {
    const caller = apiCallerOf(res.locals);
    await inTransaction(db, (tx) => deleteDomain(tx, caller.actor, caller.organizationId, req.params.id));
    res.status(204).end();
  });

  return router;
}
