import type { Seeded } from './seeded.js';
import { Refusal } from './user-patch-model.js';

/**
 * An independent model of a SCIM PATCH of a Group (RFC 7644 §3.5.2) in Roster:
 * displayName (required), externalId, and members as value references. Adding a
 * member already there or removing one who is not is a no-op; a reference to no
 * member of the Organization is refused, all or nothing.
 */

type Json = Record<string, unknown>;

export interface GroupState {
  displayName: string;
  externalId: string | null;
  members: string[];
}

export interface GroupIds {
  group: string;
  /** Members of the Organization, in the group or not. */
  members: string[];
  /** Ids that name no member of this Organization: unknown, malformed, another Organization's. */
  strangers: string[];
}

interface GeneratedGroupOperation {
  operation: Json;
  apply(state: GroupState): void;
}

function rename(value: unknown) {
  return (state: GroupState) => {
    if (typeof value !== 'string' || value.trim() === '') throw new Refusal(400, 'displayName must be a non-empty string');
    state.displayName = value.trim();
  };
}

function requireKnown(ids: GroupIds, references: string[]): string[] {
  if (references.some((id) => !ids.members.includes(id))) throw new Refusal(400, 'a reference to no member');
  return references;
}

function randomOperation(random: Seeded, ids: GroupIds): GeneratedGroupOperation {
  const someIds = () => Array.from({ length: 1 + random.int(3) }, () => (random.chance(0.15) ? random.pick(ids.strangers) : random.pick(ids.members)));
  const references = (list: string[]) => list.map((value) => ({ value }));
  switch (random.int(9)) {
    case 0: {
      const value = random.pick<unknown>([`Team ${random.int(1000)}`, '  Padded  ', '', '   ', null, 5]);
      return random.chance(0.5)
        ? { operation: { op: random.op('replace'), path: 'displayName', value }, apply: rename(value) }
        : { operation: { op: random.op('replace'), value: { id: ids.group, displayName: value } }, apply: rename(value) };
    }
    case 1:
      return random.pick<GeneratedGroupOperation>([
        {
          operation: { op: random.op('remove'), path: 'displayName' },
          apply: () => {
            throw new Refusal(400, 'displayName is required');
          },
        },
        {
          operation: { op: random.op('replace'), value: { id: 'another-id' } },
          apply: () => {
            throw new Refusal(400, 'id is immutable');
          },
        },
        {
          operation: { op: random.op('add'), path: 'members', value: [{ display: 'no value' }] },
          apply: () => {
            throw new Refusal(400, 'a member without value');
          },
        },
        {
          operation: { op: random.op('replace'), path: 'nosuchattribute', value: 1 },
          apply: () => {
            throw new Refusal(400, 'unknown attribute');
          },
        },
      ]);
    case 2: {
      const value = random.pick<unknown>([`ext-${random.int(100)}`, null, 7]);
      if (random.chance(0.3)) return { operation: { op: random.op('remove'), path: 'externalId' }, apply: (state) => void (state.externalId = null) };
      return {
        operation: { op: random.op(random.pick(['add', 'replace'])), path: 'externalId', value },
        apply: (state) => {
          if (value !== null && typeof value !== 'string') throw new Refusal(400, 'externalId must be a string');
          state.externalId = value;
        },
      };
    }
    case 3:
    case 4: {
      const added = someIds();
      const operation = random.chance(0.7)
        ? { op: random.op('add'), path: 'members', value: references(added) }
        : { op: random.op('add'), value: { members: references(added) } };
      return { operation, apply: (state) => void (state.members = [...new Set([...state.members, ...requireKnown(ids, added)])]) };
    }
    case 5:
    case 6: {
      const removed = someIds();
      const operation = random.chance(0.5)
        ? { op: random.op('remove'), path: 'members', value: references(removed) }
        : {
            op: random.op('remove'),
            path: removed
              .map((id) => `members[value eq "${id}"]`)
              .join(' or ')
              .replace(/\] or members\[/g, ' or '),
          };
      return { operation, apply: (state) => void (state.members = state.members.filter((id) => !removed.includes(id))) };
    }
    case 7: {
      const replaced = random.chance(0.2) ? [] : someIds();
      return {
        operation: { op: random.op('replace'), path: 'members', value: references(replaced) },
        apply: (state) => void (state.members = [...new Set(requireKnown(ids, replaced))]),
      };
    }
    default:
      return { operation: { op: random.op('remove'), path: 'members' }, apply: (state) => void (state.members = []) };
  }
}

export function randomGroupPatch(random: Seeded, ids: GroupIds): GeneratedGroupOperation[] {
  return Array.from({ length: 1 + random.int(3) }, () => randomOperation(random, ids));
}

/** The group after the operations, in order, or the refusal (nothing applies then). */
export function expectedGroupPatch(before: GroupState, operations: GeneratedGroupOperation[]): GroupState {
  const state = { ...before, members: [...before.members] };
  for (const { apply } of operations) apply(state);
  return { ...state, members: [...state.members].sort() };
}

export function observedGroup(resource: Json): GroupState {
  return {
    displayName: resource.displayName as string,
    externalId: (resource.externalId as string | undefined) ?? null,
    members: ((resource.members ?? []) as Array<{ value: string }>).map((member) => member.value).sort(),
  };
}
