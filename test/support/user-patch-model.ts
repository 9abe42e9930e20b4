import type { Seeded } from './seeded.js';

/**
 * An independent model of what a SCIM PATCH of a User (RFC 7644 §3.5.2) must do in
 * Roster, for the attributes the property test changes. Written from the rules, not
 * from Roster's code: operations apply in order to the resource, and the result is
 * then judged as a whole (validation, last Admin, seats), all or nothing.
 */

export const roster = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
type Json = Record<string, unknown>;

export interface ModelEmail {
  value: string;
  type: string | null;
  primary: boolean;
}

export interface UserState {
  active: boolean;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  title: string | null;
  externalId: string | null;
  emails: ModelEmail[];
  role: 'admin' | 'billing' | 'member';
  seats: string[];
}

export interface World {
  users: Map<string, UserState>;
  pools: Map<string, { limit: number; assigned: number }>;
}

/** Where Roster must refuse: the status it must answer. */
export class Refusal extends Error {
  constructor(
    readonly status: 400 | 409,
    why: string,
  ) {
    super(why);
  }
}

/** The resource while operations apply to it: raw values, judged only at the end. `undefined` is unassigned. */
type Draft = Record<'active' | 'name' | 'displayName' | 'title' | 'externalId' | 'emails' | 'role' | 'seats', unknown>;

export interface GeneratedOperation {
  operation: Json;
  apply(draft: Draft): void;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

function draftOf(state: UserState): Draft {
  const name: Json = {};
  if (state.givenName !== null) name.givenName = state.givenName;
  if (state.familyName !== null) name.familyName = state.familyName;
  return {
    active: state.active,
    name: Object.keys(name).length > 0 ? name : undefined,
    displayName: state.displayName ?? undefined,
    title: state.title ?? undefined,
    externalId: state.externalId ?? undefined,
    emails: state.emails.map((email) => ({ value: email.value, ...(email.type ? { type: email.type } : {}), ...(email.primary ? { primary: true } : {}) })),
    role: state.role,
    seats: [...state.seats],
  };
}

const textValues: unknown[] = ['Alpha', '  Beta  ', 'Gamma', 'Delta', '', null, 42, true];
const emailValues = ['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test', 'e@x.test', 'not-an-email'];

function randomEmail(random: Seeded): Json {
  return { value: random.pick(emailValues), type: random.pick(['work', 'home', 'Work']), ...(random.chance(0.2) ? { primary: true } : {}) };
}

/** One random operation and how the model applies it to the draft. */
function randomOperation(random: Seeded, selfId: string): GeneratedOperation {
  // Mostly valid operations, so that whole documents often apply; invalid ones now and then.
  const kind = random.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 2, 5, 6, 7, 8, 10, 11]);
  const set = (key: keyof Draft) => (value: unknown) => (draft: Draft) => void (draft[key] = value);
  switch (kind) {
    case 0:
    case 1: {
      const attribute = random.pick(['displayName', 'title', 'externalId'] as const);
      const value = random.pick(textValues);
      const form = random.int(3);
      if (form === 0) return { operation: { op: random.op(random.pick(['add', 'replace'])), path: attribute, value }, apply: set(attribute)(value) };
      if (form === 1) return { operation: { op: random.op('remove'), path: attribute }, apply: set(attribute)(undefined) };
      return { operation: { op: random.op('replace'), value: { [attribute]: value } }, apply: set(attribute)(value) };
    }
    case 2: {
      const sub = random.pick(['givenName', 'familyName']);
      const value = random.pick(textValues);
      const merge = (draft: Draft, entries: Json) => void (draft.name = { ...(isObject(draft.name) ? draft.name : {}), ...entries });
      switch (random.int(5)) {
        case 0:
          return { operation: { op: random.op('replace'), path: `name.${sub}`, value }, apply: (draft) => merge(draft, { [sub]: value }) };
        case 1:
          return { operation: { op: random.op('add'), value: { [`name.${sub}`]: value } }, apply: (draft) => merge(draft, { [sub]: value }) };
        case 2:
          // RFC 7644 §3.5.2.3: sub-attributes left out of a complex value stay.
          return { operation: { op: random.op('replace'), path: 'name', value: { [sub]: value } }, apply: (draft) => merge(draft, { [sub]: value }) };
        case 3:
          return {
            operation: { op: random.op('remove'), path: `name.${sub}` },
            apply: (draft) => {
              const { [sub]: _gone, ...rest } = isObject(draft.name) ? draft.name : {};
              draft.name = rest;
            },
          };
        default:
          return { operation: { op: random.op('remove'), path: 'name' }, apply: set('name')(undefined) };
      }
    }
    case 3:
    case 4: {
      const value = random.pick<unknown>([true, false, 'True', 'False', 'false', true, false, 'yes', null]);
      const form = random.int(6);
      if (form === 0) return { operation: { op: random.op('remove'), path: 'active' }, apply: set('active')(undefined) };
      if (form === 1) return { operation: { op: random.op('replace'), value: { id: selfId, active: value } }, apply: set('active')(value) };
      return { operation: { op: random.op(random.pick(['add', 'replace'])), path: 'active', value }, apply: set('active')(value) };
    }
    case 5: {
      const value = random.pick<unknown>(['admin', 'billing', 'member', 'billing', 'member', 'Billing', 'owner', null, 3]);
      const form = random.int(5);
      if (form === 0) return { operation: { op: random.op('remove'), path: `${roster}:role` }, apply: set('role')(undefined) };
      if (form === 1) return { operation: { op: random.op('replace'), value: { [roster]: { role: value } } }, apply: set('role')(value) };
      return { operation: { op: random.op(random.pick(['add', 'replace'])), path: `${roster}:role`, value }, apply: set('role')(value) };
    }
    case 6:
    case 7: {
      const value = random.pick<unknown>(['chat', ['chat', 'code'], ['code'], ['api'], ['nosuch'], ['Bad Name'], [], null]);
      const add = (draft: Draft) => {
        // RFC 7644 §3.5.2.1: a value already there is not added again.
        const known = listOf(draft.seats).map(lower);
        draft.seats = [...listOf(draft.seats), ...listOf(value === null ? [null] : value).filter((item) => !known.includes(lower(item)))];
      };
      switch (random.int(6)) {
        case 0:
          return { operation: { op: random.op('add'), path: `${roster}:seats`, value }, apply: add };
        case 1:
          return { operation: { op: random.op('add'), value: { [roster]: { seats: value } } }, apply: add };
        case 2:
          return { operation: { op: random.op('replace'), path: `${roster}:seats`, value }, apply: set('seats')(value === null ? [null] : listOf(value)) };
        case 3:
          return { operation: { op: random.op('remove'), path: `${roster}:seats` }, apply: set('seats')(undefined) };
        default: {
          const product = random.pick(['chat', 'code']);
          return {
            operation: { op: random.op('remove'), path: `${roster}:seats[value eq "${product}"]` },
            apply: (draft) => void (draft.seats = listOf(draft.seats).filter((item) => lower(item) !== product)),
          };
        }
      }
    }
    case 8:
    case 9: {
      const values = Array.from({ length: 1 + random.int(2) }, () => randomEmail(random));
      switch (random.int(5)) {
        case 0:
          return { operation: { op: random.op('replace'), path: 'emails', value: values }, apply: set('emails')(values) };
        case 1:
          return {
            operation: { op: random.op('add'), path: 'emails', value: values },
            apply: (draft) => {
              const known = listOf(draft.emails).map((email) => lower((email as Json).value));
              draft.emails = [...listOf(draft.emails), ...values.filter((email) => !known.includes(lower(email.value)))];
            },
          };
        case 2: {
          const type = random.pick(['home', 'work']);
          return {
            operation: { op: random.op('remove'), path: `emails[type eq "${type}"]` },
            apply: (draft) => void (draft.emails = listOf(draft.emails).filter((email) => lower((email as Json).type) !== type)),
          };
        }
        case 3: {
          // Entra sets (or adds) the work email by filter path; a missing one is created as the filter describes it.
          const value = random.pick(emailValues);
          return {
            operation: { op: random.op(random.pick(['add', 'replace'])), path: 'emails[type eq "work"].value', value },
            apply: (draft) => {
              const list = listOf(draft.emails) as Json[];
              const work = list.filter((email) => lower(email.type) === 'work');
              draft.emails = work.length === 0 ? [...list, { type: 'work', value }] : list.map((email) => (work.includes(email) ? { ...email, value } : email));
            },
          };
        }
        default:
          return { operation: { op: random.op('remove'), path: 'emails' }, apply: set('emails')(undefined) };
      }
    }
    case 10:
      return random.pick<GeneratedOperation>([
        { operation: { op: 'merge', path: 'title', value: 'x' }, apply: refuse('an unknown op') },
        { operation: { op: random.op('remove') }, apply: refuse('remove without a path') },
        { operation: { op: random.op('replace'), path: 'nosuchattribute', value: 'x' }, apply: refuse('an unknown attribute') },
        { operation: { op: random.op('replace'), path: 'meta', value: {} }, apply: refuse('a read-only attribute') },
        { operation: { op: random.op('replace'), value: { id: 'another-id' } }, apply: refuse('a changed id') },
      ]);
    default:
      return { operation: { op: random.op('replace'), path: 'name', value: 'not an object' }, apply: set('name')('not an object') };
  }
}

function refuse(why: string) {
  return () => {
    throw new Refusal(400, why);
  };
}

export function randomUserPatch(random: Seeded, selfId: string): GeneratedOperation[] {
  return Array.from({ length: 1 + random.int(3) }, () => randomOperation(random, selfId));
}

/** A string attribute's value after the PATCH: trimmed, empty is none (RFC 7643 §2.5), numbers as text. */
function text(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new Refusal(400, `${what} is not a string`);
  return value.trim() === '' ? null : value.trim();
}

const roles = ['admin', 'billing', 'member'] as const;

/** The patched draft as a member, or the 400 Roster must answer. */
function judge(draft: Draft): UserState {
  if (draft.active === undefined || draft.active === null) throw new Refusal(400, 'active removed');
  const active = typeof draft.active === 'string' && /^(true|false)$/i.test(draft.active) ? draft.active.toLowerCase() === 'true' : draft.active;
  if (typeof active !== 'boolean') throw new Refusal(400, 'active is not a boolean');
  if (draft.name !== undefined && !isObject(draft.name)) throw new Refusal(400, 'name is not complex');
  const name = (draft.name ?? {}) as Json;
  // The canonical values are matched exactly (scimmy), so "Billing" is refused like "owner".
  const role = draft.role === undefined || draft.role === null ? 'member' : String(draft.role);
  if (!(roles as readonly string[]).includes(role)) throw new Refusal(400, 'not a canonical role');
  const seats = listOf(draft.seats).filter((item) => item !== null);
  if (seats.some((product) => typeof product !== 'string' || !/^[a-z][a-z0-9_-]{0,39}$/.test(product))) throw new Refusal(400, 'malformed product');
  const emails = (listOf(draft.emails) as Json[]).map((email) => {
    const value = String(email.value ?? '');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw new Refusal(400, 'malformed email');
    return { value, type: typeof email.type === 'string' ? email.type.toLowerCase() : null, primary: email.primary === true };
  });
  if (emails.filter((email) => email.primary).length > 1) throw new Refusal(400, 'two primary emails');
  return {
    active,
    givenName: text(name.givenName, 'givenName'),
    familyName: text(name.familyName, 'familyName'),
    displayName: text(draft.displayName, 'displayName'),
    title: text(draft.title, 'title'),
    externalId: text(draft.externalId, 'externalId'),
    emails,
    role: role as UserState['role'],
    seats: [...new Set(seats as string[])].sort(),
  };
}

/**
 * The user after the PATCH, with the world's pools updated, or the refusal. Order of
 * the checks: the document itself (400), the last active Admin (409, invariant 1), then
 * seats (400: unknown product, none free, or a suspended member, invariant 5).
 */
export function expectedPatch(world: World, id: string, operations: GeneratedOperation[]): UserState {
  const before = world.users.get(id)!;
  const draft = draftOf(before);
  for (const { apply } of operations) apply(draft);
  const after = judge(draft);
  if (before.role === 'admin' && before.active && (after.role !== 'admin' || !after.active)) {
    const others = [...world.users].filter(([other, user]) => other !== id && user.role === 'admin' && user.active);
    if (others.length === 0) throw new Refusal(409, 'the last active Admin');
  }
  const added = after.seats.filter((product) => !before.seats.includes(product));
  for (const product of added) {
    const pool = world.pools.get(product);
    if (!pool) throw new Refusal(400, `no pool for ${product}`);
    if (!after.active) throw new Refusal(400, 'a seat for a suspended member');
    if (pool.assigned >= pool.limit) throw new Refusal(400, `no ${product} seat free`);
  }
  const kept = after.active ? after.seats : [];
  for (const product of before.seats) if (!kept.includes(product)) world.pools.get(product)!.assigned--;
  for (const product of kept) if (!before.seats.includes(product)) world.pools.get(product)!.assigned++;
  const state = { ...after, seats: kept };
  world.users.set(id, state);
  return state;
}

/** The model's view of a SCIM User as Roster answers it. */
export function observedUser(resource: Json): UserState {
  const name = (resource.name ?? {}) as Json;
  const extension = resource[roster] as { role: UserState['role']; seats: string[] };
  return {
    active: resource.active as boolean,
    givenName: (name.givenName as string | undefined) ?? null,
    familyName: (name.familyName as string | undefined) ?? null,
    displayName: (resource.displayName as string | undefined) ?? null,
    title: (resource.title as string | undefined) ?? null,
    externalId: (resource.externalId as string | undefined) ?? null,
    emails: ((resource.emails ?? []) as Json[]).map((email) => ({
      value: email.value as string,
      type: (email.type as string | undefined) ?? null,
      primary: email.primary === true,
    })),
    role: extension.role,
    seats: [...extension.seats].sort(),
  };
}
