import type { Knex } from 'knex';
import { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import type { TxtLookup } from '../dns/txt-resolver.js';
import { checkDomainTxt, claimDomain, deleteDomain, getDomain, listDomains, recordDomainCheck, setDomainAutoJoin } from '../org/domains/domains.service.js';
import type { Domain } from '../org/domains/types.js';
import { defineRoute, type ApiRoute } from './registry.js';

const timestamp = z.string().nullable();

const domainSchema = z
  .object({
    id: z.string(),
    domain: z.string(),
    status: z.enum(['pending', 'verified']),
    txtRecord: z.object({ name: z.string(), type: z.literal('TXT'), value: z.string() }),
    verifiedAt: timestamp,
    lastCheckedAt: timestamp,
    lastError: z.string().nullable(),
    autoJoin: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'Domain' });

function presentDomain(domain: Domain): z.infer<typeof domainSchema> {
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

const claim = z.object({ domain: z.string().max(300) }).strict();
const settings = z.object({ autoJoin: z.boolean() }).strict();
const admin = ['admin'] as const;
const tag = 'Domains';

/** `/domains`: an Admin claims, verifies and removes the Organization's email domains. */
export function domainRoutes(db: Knex, lookupTxt: TxtLookup): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/domains',
      operationId: 'listDomains',
      summary: 'List the claimed domains',
      tag,
      roles: admin,
      response: { status: 200, schema: z.object({ domains: z.array(domainSchema) }) },
      handle: async ({ caller }) => ({ domains: (await inTransaction(db, (tx) => listDomains(tx, caller.organizationId))).map(presentDomain) }),
    }),
    defineRoute({
      method: 'post',
      path: '/domains',
      operationId: 'claimDomain',
      summary: 'Claim a domain; answers the TXT record to publish',
      tag,
      roles: admin,
      body: claim,
      response: { status: 201, schema: domainSchema },
      handle: async ({ caller, body }) => presentDomain(await inTransaction(db, (tx) => claimDomain(tx, caller.actor, caller.organizationId, body.domain))),
    }),
    defineRoute({
      method: 'get',
      path: '/domains/{id}',
      operationId: 'getDomain',
      summary: 'Read a domain and its TXT record',
      tag,
      roles: admin,
      response: { status: 200, schema: domainSchema },
      handle: async ({ caller, params }) => presentDomain(await inTransaction(db, (tx) => getDomain(tx, caller.organizationId, params.id!))),
    }),
    defineRoute({
      method: 'post',
      path: '/domains/{id}/verify',
      operationId: 'verifyDomain',
      summary: 'Look the TXT record up and verify the domain, or say why not',
      tag,
      roles: admin,
      response: { status: 200, schema: domainSchema },
      // The DNS lookup runs between two short transactions: no connection is held while DNS answers.
      handle: async ({ caller, params }) => {
        const claimed = await inTransaction(db, (tx) => getDomain(tx, caller.organizationId, params.id!));
        const check = await checkDomainTxt(claimed, lookupTxt);
        return presentDomain(await inTransaction(db, (tx) => recordDomainCheck(tx, caller.actor, caller.organizationId, claimed.id, check)));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/domains/{id}',
      operationId: 'updateDomain',
      summary: 'Turn auto-join on or off (verified domains only)',
      tag,
      roles: admin,
      body: settings,
      response: { status: 200, schema: domainSchema },
      handle: async ({ caller, params, body }) =>
        presentDomain(await inTransaction(db, (tx) => setDomainAutoJoin(tx, caller.actor, caller.organizationId, params.id!, body.autoJoin))),
    }),
    defineRoute({
      method: 'delete',
      path: '/domains/{id}',
      operationId: 'deleteDomain',
      summary: 'Remove a claimed domain',
      tag,
      roles: admin,
      response: { status: 204, schema: null },
      handle: ({ caller, params }) => inTransaction(db, (tx) => deleteDomain(tx, caller.actor, caller.organizationId, params.id!)),
    }),
  ];
}
