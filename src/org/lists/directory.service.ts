import type { Knex } from 'knex';
import { isId } from '../../db/ids.js';
import { NotFoundError } from '../../errors.js';
import { countGroups, selectGroupEntries, selectGroupEntry, selectMembersOfGroups, type GroupEntry } from './group-directory.repo.js';
import {
  countMembers,
  selectMemberEntries,
  selectMemberEntry,
  selectMemberListPage,
  type MemberEntry,
  type MemberGroup,
  type MemberParts,
} from './member-directory.repo.js';
import type { Tx } from '../../db/transaction.js';
import { listApiKeys } from '../credentials/credentials.service.js';
import { anchored, rememberPageEnd } from './page-anchors.js';
import { pageOf, type Page } from './page.js';
import type { PageQuery } from './search.js';
import type { ApiKey } from '../credentials/types.js';
import type { EffectiveAccess, Workspace } from '../workspaces/types.js';
import type { OrganizationRole } from '../organizations/types.js';
import { requireOrganizationRole } from '../organizations/validation.js';
import { effectiveAccess, listWorkspaces } from '../workspaces/workspaces.service.js';

export type { GroupEntry } from './group-directory.repo.js';
export type { MemberEntry, MemberParts } from './member-directory.repo.js';

/** Reads of the Organization's directory: who is in it and which groups exist, as lists or one by one. */

/**
 * A page of a counted list (SCIM's, RFC 7644 §3.4.2): the one page shape with
 * the list's total. In the default order (by id) a full page's `next` is its
 * last id, so cursor paging (RFC 9865) continues after it; the page after the
 * last full one is empty.
 */
export interface CountedPage<T> extends Page<T> {
  total: number;
}

function countedPage<T extends { id: string }>(query: PageQuery, total: number, items: T[]): CountedPage<T> {
  const last = items.at(-1);
  return { total, items, next: !query.sort && last && items.length === query.limit ? [last.id] : null };
}

export async function listMembers(tx: Knex, organizationId: string, query: PageQuery, parts: MemberParts): Promise<CountedPage<MemberEntry>> {
  const scope = `members:${organizationId}`;
  const counting = { ...query, afterId: undefined };
  // An unfiltered list always needs a count: run it beside the page rather than after it.
  const early = query.where === undefined && !tx.isTransaction ? countMembers(tx, organizationId, counting) : undefined;
  early?.catch(() => {});
  const entries = query.limit > 0 ? await selectMemberEntries(tx, organizationId, anchored(scope, query), parts) : [];
  rememberPageEnd(scope, query, entries.length, entries.at(-1)?.id);
  return countedPage(query, await (early ?? totalOf(query, entries.length, () => countMembers(tx, organizationId, counting))), entries);
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

export async function listGroups(tx: Knex, organizationId: string, query: PageQuery, withMembers: boolean): Promise<CountedPage<GroupEntry>> {
  const scope = `groups:${organizationId}`;
  const entries = query.limit > 0 ? await selectGroupEntries(tx, organizationId, anchored(scope, query)) : [];
  rememberPageEnd(scope, query, entries.length, entries.at(-1)?.id);
  const total = await totalOf(query, entries.length, () => countGroups(tx, organizationId, { ...query, afterId: undefined }));
  // Members are read only when they are to be returned, and for the page's groups only.
  if (withMembers) {
    const members = await selectMembersOfGroups(
      tx,
      entries.map((entry) => entry.id),
    );
    for (const entry of entries) entry.members = members.get(entry.id) ?? [];
  }
  return countedPage(query, total, entries);
}

export async function getGroupEntry(tx: Knex, organizationId: string, groupId: string, withMembers: boolean): Promise<GroupEntry> {
  const entry = isId(groupId) ? await selectGroupEntry(tx, organizationId, groupId) : undefined;
  if (!entry) throw new NotFoundError('group', groupId);
  if (withMembers) entry.members = (await selectMembersOfGroups(tx, [entry.id])).get(entry.id) ?? [];
  return entry;
}

/** What an admin console's member list asks for: a text to look for, a role, and where the page starts. */
export interface MemberSearch {
  /** Members whose last name or one of whose emails contains it, case-insensitively. */
  text?: string;
  role?: OrganizationRole;
  /** Only members after this id: the list is in id order, which is join order (ids are time-ordered). */
  afterId?: string;
  limit: number;
}

/**
 * A page of the member list, by keyset: its cost does not grow with the page's
 * depth, and members joining or leaving meanwhile shift no one across pages.
 * One row more than the page is read to tell whether another page follows.
 */
export async function searchMembers(tx: Knex, organizationId: string, search: MemberSearch): Promise<Page<MemberEntry>> {
  if (!isId(organizationId) || (search.afterId !== undefined && !isId(search.afterId))) return { items: [], next: null };
  const text = search.text?.trim();
  const rows = await selectMemberListPage(
    tx,
    organizationId,
    {
      ...(text ? { text } : {}),
      ...(search.role !== undefined ? { role: requireOrganizationRole(search.role) } : {}),
      ...(search.afterId ? { afterId: search.afterId } : {}),
      limit: search.limit + 1,
    },
    { emails: true, seats: true, groups: false },
  );
  return pageOf(rows, search.limit, (entry) => [entry.id]);
}

/** Everything a member's page shows: profile, seats, groups, the Workspaces they reach and with which role, and their API keys. */
export interface MemberDetails {
  member: MemberEntry & { groups: MemberGroup[] };
  workspaces: Array<EffectiveAccess & { workspace: Workspace }>;
  apiKeys: ApiKey[];
}

export async function getMemberDetails(tx: Tx, organizationId: string, memberId: string): Promise<MemberDetails> {
  const member = (await getMemberEntry(tx, organizationId, memberId, { emails: true, seats: true, groups: true })) as MemberDetails['member'];
  const access = await effectiveAccess(tx, organizationId, member.id);
  const workspaces = new Map((await listWorkspaces(tx, organizationId)).map((workspace) => [workspace.id, workspace]));
  return {
    member,
    workspaces: access.flatMap((entry) => {
      const workspace = workspaces.get(entry.workspaceId);
      return workspace ? [{ ...entry, workspace }] : [];
    }),
    apiKeys: await listApiKeys(tx, organizationId, member.id),
  };
}
