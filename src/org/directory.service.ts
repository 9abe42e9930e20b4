import type { Knex } from 'knex';
import { isId } from '../db/ids.js';
import { NotFoundError } from '../errors.js';
import {
  countGroups,
  countMembers,
  selectGroupEntries,
  selectGroupEntry,
  selectMemberEntries,
  selectMemberEntry,
  selectMembersOfGroups,
  type GroupEntry,
  type MemberEntry,
  type MemberParts,
} from './directory.repo.js';
import { anchored, rememberPageEnd } from './page-anchors.js';
import type { PageQuery } from './search.js';

export type { GroupEntry, MemberEntry, MemberParts } from './directory.repo.js';

/** Reads of the Organization's directory: who is in it and which groups exist, as lists or one by one. */

export interface Page<T> {
  total: number;
  entries: T[];
}

export async function listMembers(tx: Knex, organizationId: string, query: PageQuery, parts: MemberParts): Promise<Page<MemberEntry>> {
  const scope = `members:${organizationId}`;
  const counting = { ...query, afterId: undefined };
  // An unfiltered list always needs a count: run it beside the page rather than after it.
  const early = query.where === undefined && !tx.isTransaction ? countMembers(tx, organizationId, counting) : undefined;
  early?.catch(() => {});
  const entries = query.limit > 0 ? await selectMemberEntries(tx, organizationId, anchored(scope, query), parts) : [];
  rememberPageEnd(scope, query, entries.length, entries.at(-1)?.id);
  return { total: await (early ?? totalOf(query, entries.length, () => countMembers(tx, organizationId, counting))), entries };
}

/** A page that is neither full nor past the start tells the total without counting. */
function totalOf(query: PageQuery, returned: number, count: () => Promise<number>): Promise<number> {
  return !query.afterId && returned < query.limit && (returned > 0 || query.offset === 0) ? Promise.resolve(query.offset + returned) : count();
}

/** One member as a directory shows it; with `lock`, row-locked for the rest of the caller's transaction. */
export async function getMemberEntry(tx: Knex, organizationId: string, memberId: string, parts: MemberParts, lock = false): Promise<MemberEntry> {
  const entry = isId(memberId) ? await selectMemberEntry(tx, organizationId, memberId, parts, lock) : undefined;
  if (!entry) throw new NotFoundError('member', memberId);
  return entry;
}

export async function listGroups(tx: Knex, organizationId: string, query: PageQuery, withMembers: boolean): Promise<Page<GroupEntry>> {
  const scope = `groups:${organizationId}`;
  const entries = query.limit > 0 ? await selectGroupEntries(tx, organizationId, anchored(scope, query)) : [];
  rememberPageEnd(scope, query, entries.length, entries.at(-1)?.id);
  const total = await totalOf(query, entries.length, () => countGroups(tx, organizationId, { ...query, afterId: undefined }));
  // Members are read only when they are to be returned, and for the page's groups only.
  if (withMembers) {
    const members = await selectMembersOfGroups(tx, entries.map((entry) => entry.id));
    for (const entry of entries) entry.members = members.get(entry.id) ?? [];
  }
  return { total, entries };
}

export async function getGroupEntry(tx: Knex, organizationId: string, groupId: string, withMembers: boolean): Promise<GroupEntry> {
  const entry = isId(groupId) ? await selectGroupEntry(tx, organizationId, groupId) : undefined;
  if (!entry) throw new NotFoundError('group', groupId);
  if (withMembers) entry.members = (await selectMembersOfGroups(tx, [entry.id])).get(entry.id) ?? [];
  return entry;
}
