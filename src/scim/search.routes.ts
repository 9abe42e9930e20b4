import { Router } from 'express';
import type { Knex } from 'knex';
import { listGroups, listMembers } from '../org/lists/directory.service.js';
import { callerOf } from './auth.js';
import { ScimError } from './errors.js';
import { toScimGroup } from './groups.mapper.js';
import { sendResource } from './http.js';
import { parseListRequest, type ListParameters, type ListRequest } from './list.js';
import { listResponseSchema } from './schemas.js';
import { toScimUser } from './users.mapper.js';

type Json = Record<string, unknown>;

function requestFor(kind: 'User' | 'Group', parameters: ListParameters): ListRequest | undefined {
  try {
    return parseListRequest(kind, parameters);
  } catch (error) {
    // An attribute only one resource type has rules that type out, not the search.
    if (error instanceof ScimError && error.scimType === 'invalidFilter') return undefined;
    throw error;
  }
}

/**
 * POST /.search at the root (RFC 7644 §3.4.3): Users, then Groups, as one list.
 * Index paging runs across both; cursors and sorting belong to one resource type.
 */
export function rootSearchRoutes(db: Knex, baseUrl: string): Router {
  const router = Router();
  router.post('/.search', async (req, res) => {
    const parameters = (req.body ?? {}) as ListParameters;
    if (parameters.cursor !== undefined || parameters.sortBy !== undefined) {
      throw new ScimError(400, 'invalidValue', 'A search across resource types pages by startIndex and is not sorted; search /Users or /Groups for that');
    }
    const users = requestFor('User', parameters);
    const groups = requestFor('Group', parameters);
    if (!users && !groups) throw new ScimError(400, 'invalidFilter', 'The filter names attributes that neither Users nor Groups have');
    const { organizationId } = callerOf(res.locals);
    const base = (users ?? groups)!.query;
    const resources: Json[] = [];
    let userTotal = 0;
    if (users) {
      const page = await listMembers(db, organizationId, users.query, { emails: true, seats: true, groups: users.projection.wants('groups') });
      userTotal = page.total;
      resources.push(...page.items.map((entry) => users.projection.apply(toScimUser(entry, baseUrl))));
    }
    let groupTotal = 0;
    if (groups) {
      // The groups' part of the combined list starts where the users end.
      const offset = Math.max(base.offset - userTotal, 0);
      const limit = base.limit - resources.length;
      const page = await listGroups(db, organizationId, { ...groups.query, offset, limit }, groups.projection.wants('members'));
      groupTotal = page.total;
      resources.push(...page.items.map((entry) => groups.projection.apply(toScimGroup(entry, baseUrl))));
    }
    sendResource(res, 200, {
      schemas: [listResponseSchema],
      totalResults: userTotal + groupTotal,
      itemsPerPage: resources.length,
      startIndex: base.offset + 1,
      Resources: resources,
    });
  });
  return router;
}
