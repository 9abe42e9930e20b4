import { Router, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { inOneStatement, inTransaction } from '../db/transaction.js';
import { getGroupEntry, listGroups } from '../org/lists/directory.service.js';
import { changeGroup, changeOneMembership, createGroup, deleteGroup, oneMembershipChange } from '../org/groups/groups.service.js';
import { callerOf } from './auth.js';
import type { ResourceWrites, ScimContext, WriteResult } from './context.js';
import { fromScimGroup, groupSteps, toScimGroup } from './groups.mapper.js';
import { baseUrlOf, etagOf, routeWrites, sendRead, sendResource } from './http.js';
import { listResponse, parseListRequest, type ListParameters } from './list.js';
import { parsePatchRequest } from './patch.js';
import { Projection } from './projection.js';
import { assertCoreSchema, groupSchema } from './schemas.js';

/** Writes to /Groups. Member changes are SQL deltas inside one group change; see groups.service. */
export const groupWrites: ResourceWrites = {
  async create({ db, baseUrl, caller }: ScimContext, body: unknown): Promise<WriteResult> {
    assertCoreSchema(body, groupSchema);
    const input = fromScimGroup(body);
    // One statement: the group, its members and its event (see createGroup).
    const entry = await inOneStatement(db, (tx) => createGroup(tx, caller.actor, caller.organizationId, { ...input, managedBy: 'scim' }));
    return { status: 201, resource: toScimGroup(entry, baseUrl), id: entry.id, version: entry.version };
  },

  async replace({ db, baseUrl, caller }, id, body, ifVersion) {
    assertCoreSchema(body, groupSchema);
    const input = fromScimGroup(body);
    const steps = [{ rename: input.displayName }, { externalId: input.externalId }, { replaceMembers: input.memberIds }];
    const entry = await inTransaction(db, async (tx) => {
      await changeGroup(tx, caller.actor, caller.organizationId, id, steps, { ifVersion });
      return getGroupEntry(tx, caller.organizationId, id, true);
    });
    return { status: 200, resource: toScimGroup(entry, baseUrl), id: entry.id, version: entry.version };
  },

  async patch({ db, caller }, id, body, ifVersion) {
    const steps = groupSteps(parsePatchRequest(body), id);
    // One member in or out (what IdPs send most) is one statement; anything else, or a
    // group that statement could not change, goes through the group's lock in a transaction.
    const single = oneMembershipChange(steps);
    const group =
      (single && (await inOneStatement(db, (tx) => changeOneMembership(tx, caller.actor, caller.organizationId, id, single, { ifVersion })))) ??
      (await inTransaction(db, (tx) => changeGroup(tx, caller.actor, caller.organizationId, id, steps, { ifVersion }))).group;
    // RFC 7644 §3.5.2 allows 204; Entra prefers not to receive every member back.
    return { status: 204, id: group.id, version: group.version };
  },

  async remove({ db, caller }, id, ifVersion) {
    await inTransaction(db, (tx) => deleteGroup(tx, caller.actor, caller.organizationId, id, { ifVersion }));
    return { status: 204 };
  },
};

/** /Groups: the Organization's groups; members are read only when they are returned. */
export function groupsRoutes(db: Knex, publicUrl: string): Router {
  const router = Router();
  const baseUrl = baseUrlOf(publicUrl);
  const contextOf = (res: Response): ScimContext => ({ db, baseUrl, caller: callerOf(res.locals) });
  const projectionOf = (req: Request) => Projection.from(groupSchema, req.query.attributes, req.query.excludedAttributes);
  const asksForAttributes = (req: Request) => req.query.attributes !== undefined || req.query.excludedAttributes !== undefined;

  async function list(res: Response, parameters: ListParameters): Promise<void> {
    const { organizationId } = callerOf(res.locals);
    const request = parseListRequest('Group', parameters);
    const page = await listGroups(db, organizationId, request.query, request.projection.wants('members'));
    const resources = page.items.map((entry) => request.projection.apply(toScimGroup(entry, baseUrl)));
    sendResource(res, 200, listResponse(request, page.total, resources, page.next));
  }

  async function send(req: Request, res: Response, result: WriteResult): Promise<void> {
    if (result.status === 201) res.setHeader('Location', `${baseUrl}/Groups/${result.id}`);
    if (result.version !== undefined) res.setHeader('ETag', etagOf(result.version));
    if (result.resource) {
      sendResource(res, result.status, projectionOf(req).apply(result.resource), result.version);
    } else if (result.status === 204 && result.id && asksForAttributes(req)) {
      // After a PATCH, a client that names attributes gets the resource (members only if asked for).
      const projection = projectionOf(req);
      const entry = await getGroupEntry(db, callerOf(res.locals).organizationId, result.id, projection.wants('members'));
      sendResource(res, 200, projection.apply(toScimGroup(entry, baseUrl)), entry.version);
    } else {
      res.status(result.status).end();
    }
  }

  router.get('/', async (req, res) => list(res, req.query as ListParameters));
  router.post('/.search', async (req, res) => list(res, (req.body ?? {}) as ListParameters));

  router.get('/:id', async (req, res) => {
    const projection = projectionOf(req);
    const entry = await getGroupEntry(db, callerOf(res.locals).organizationId, req.params.id, projection.wants('members'));
    sendRead(req, res, entry.version, () => projection.apply(toScimGroup(entry, baseUrl)));
  });

  routeWrites(router, groupWrites, contextOf, send);

  return router;
}
