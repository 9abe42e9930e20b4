import { Router, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { inOneStatement, inTransaction } from '../db/transaction.js';
import { decideAdmission } from '../org/access/admission.js';
import { getMemberEntry, listMembers } from '../org/lists/directory.service.js';
import type { MemberEntry } from '../org/lists/directory.service.js';
import { changeMember, assessChange, type MemberChanges } from '../org/members/member-changes.service.js';
import { addMember, isOneStatementCreate, removeMember, removeMemberUnlessActiveAdmin, type NewMember } from '../org/members/members.service.js';
import type { Member } from '../org/members/types.js';
import { assertVersion, ChangedMeanwhileError, type ExpectedVersion } from '../org/organizations/versions.js';
import { seatsOf } from '../org/seats/seats.service.js';
import { callerOf } from './auth.js';
import type { ResourceWrites, ScimContext, WriteResult } from './context.js';
import { baseUrlOf, routeWrites, sendRead, sendResource } from './http.js';
import { listResponse, parseListRequest, type ListParameters } from './list.js';
import { parsePatchRequest, ResourcePatcher } from './patch.js';
import { Projection } from './projection.js';
import { assertCoreSchema, userDefinition, userSchema } from './schemas.js';
import { fromPatchedScimUser, fromScimUser, toScimUser } from './users.mapper.js';

const everything = { emails: true, seats: true, groups: true };

/** Writes to /Users (RFC 7644 §3.3, §3.5, §3.6), each atomic (one transaction, or one statement) on the domain services. */
export const userWrites: ResourceWrites = {
  async create({ db, baseUrl, caller }: ScimContext, body: unknown): Promise<WriteResult> {
    assertCoreSchema(body, userSchema);
    const input = fromScimUser(body);
    // Without seats to take, the member is created in one statement (see addMember).
    const oneStatement = isOneStatementCreate({ seats: input.seats, active: input.active });
    const entry = await (oneStatement ? inOneStatement : inTransaction)(db, async (tx) => {
      const joining = await decideAdmission(tx, {
        kind: 'scim',
        organizationId: caller.organizationId,
        userName: input.profile.userName,
        role: input.role,
        seats: input.seats,
      });
      const newMember: NewMember = {
        profile: input.profile,
        role: joining.role,
        source: joining.source,
        managedBy: joining.managedBy,
        seats: joining.seats,
        active: input.active,
      };
      const member = await addMember(tx, caller.actor, joining.organizationId, newMember);
      // A new member is in no group yet; seats are read back only when some were taken.
      const seats = oneStatement ? [] : await seatsOf(tx, caller.organizationId, member.id);
      return { ...member, seats, groups: [] };
    });
    return { status: 201, resource: toScimUser(entry, baseUrl), id: entry.id, version: entry.version };
  },

  async replace(context, id, body, ifVersion) {
    assertCoreSchema(body, userSchema);
    const input = fromScimUser(body);
    // A PUT names the whole member: the same changes whatever it is found to be.
    const entry = await changeAsSeen(context, id, ifVersion, () => input);
    return { status: 200, resource: toScimUser(entry, context.baseUrl), id: entry.id, version: entry.version };
  },

  async patch(context, id, body, ifVersion) {
    const operations = parsePatchRequest(body);
    const patch = (current: MemberEntry) =>
      fromPatchedScimUser(new ResourcePatcher(userDefinition, userSchema, current.id).apply(toScimUser(current, context.baseUrl), operations));
    const entry = await changeAsSeen(context, id, ifVersion, patch);
    return { status: 200, resource: toScimUser(entry, context.baseUrl), id: entry.id, version: entry.version };
  },

  async remove({ db, caller }, id, ifVersion) {
    // A member who is not an active Admin goes in one statement; an Admin (or an id that
    // statement did not find at the version asked) takes the locked path, which says why not.
    const removed = await inOneStatement(db, (tx) => removeMemberUnlessActiveAdmin(tx, caller.actor, caller.organizationId, id, { ifVersion }));
    if (!removed) await inTransaction(db, (tx) => removeMember(tx, caller.actor, caller.organizationId, id, { ifVersion }));
    return { status: 204 };
  },
};

/**
 * A PUT or PATCH of member `id`, `changesOf` working out the changes from the member as
 * found. IdPs often send what is already stored (Okta re-sends active=true; a PUT
 * repeats the profile): such a request changes nothing and is answered from a plain
 * read, with no lock and no transaction. Otherwise the change is written if the member
 * is still as seen (its version), in one statement where `assessChange` allows; if
 * another request changed it meanwhile, the changes are worked out again on a locked read.
 */
async function changeAsSeen(
  { db, caller }: ScimContext,
  id: string,
  ifVersion: ExpectedVersion | undefined,
  changesOf: (current: MemberEntry) => MemberChanges,
): Promise<MemberEntry> {
  const seen = await getMemberEntry(db, caller.organizationId, id, everything);
  const seenChanges = changesOf(seen);
  const assessed = assessChange(seen, seenChanges);
  if (assessed.nothing) {
    assertVersion('member', seen.version, ifVersion);
    return seen;
  }
  const run = assessed.oneStatement ? inOneStatement : inTransaction;
  return run(db, async (tx) =>
    changedEntry(seen, seenChanges, await changeMember(tx, caller.actor, caller.organizationId, seen.id, seenChanges, { ifVersion, seen })),
  ).catch((error: unknown) => {
    if (!(error instanceof ChangedMeanwhileError)) throw error;
    return inTransaction(db, async (tx) => {
      const current = await getMemberEntry(tx, caller.organizationId, id, everything, true);
      const changes = changesOf(current);
      return changedEntry(current, changes, await changeMember(tx, caller.actor, caller.organizationId, current.id, changes, { ifVersion, locked: current }));
    });
  });
}

/**
 * The directory entry after `changeMember` applied `changes` to the `current` entry
 * (locked, or seen at the version the write was guarded by), without reading it
 * again: groups do not change with a user; a suspended member holds no seat; an
 * active one holds exactly the seats the request named (each once, in the
 * directory's order), or those it held.
 */
function changedEntry(current: MemberEntry, changes: MemberChanges, member: Member): MemberEntry {
  const seats = member.status !== 'active' ? [] : changes.seats !== undefined ? [...new Set(changes.seats)].sort() : current.seats;
  return { ...member, seats, groups: current.groups };
}

/** /Users: members of the token's Organization. */
export function usersRoutes(db: Knex, publicUrl: string): Router {
  const router = Router();
  const baseUrl = baseUrlOf(publicUrl);
  const contextOf = (res: Response): ScimContext => ({ db, baseUrl, caller: callerOf(res.locals) });
  const projectionOf = (req: Request) => Projection.from(userSchema, req.query.attributes, req.query.excludedAttributes);

  async function list(res: Response, parameters: ListParameters): Promise<void> {
    const { organizationId } = callerOf(res.locals);
    const request = parseListRequest('User', parameters);
    const parts = { emails: true, seats: true, groups: request.projection.wants('groups') };
    const page = await listMembers(db, organizationId, request.query, parts);
    const resources = page.items.map((entry) => request.projection.apply(toScimUser(entry, baseUrl)));
    sendResource(res, 200, listResponse(request, page.total, resources, page.next));
  }

  function send(req: Request, res: Response, result: WriteResult): void {
    if (result.status === 201) res.setHeader('Location', `${baseUrl}/Users/${result.id}`);
    if (!result.resource) res.status(result.status).end();
    else sendResource(res, result.status, projectionOf(req).apply(result.resource), result.version);
  }

  router.get('/', async (req, res) => list(res, req.query as ListParameters));
  router.post('/.search', async (req, res) => list(res, (req.body ?? {}) as ListParameters));

  router.get('/:id', async (req, res) => {
    const projection = projectionOf(req);
    const entry = await getMemberEntry(db, callerOf(res.locals).organizationId, req.params.id, { ...everything, groups: projection.wants('groups') });
    sendRead(req, res, entry.version, () => projection.apply(toScimUser(entry, baseUrl)));
  });

  routeWrites(router, userWrites, contextOf, send);

  return router;
}
