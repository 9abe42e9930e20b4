/** A small seeded random source (mulberry32): the same seed gives the same run, so a failure can be replayed. */
export class Seeded {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** `op` as an IdP may spell it: Entra capitalises, some send it upper-case (matched without case, RFC 7644 §3.5.2). */
  op(name: 'add' | 'replace' | 'remove'): string {
    return this.pick([name, name, name[0]!.toUpperCase() + name.slice(1), name.toUpperCase()]);
  }
}

/** The seed of a run: PATCH_PROPERTY_SEED replays one, otherwise a new one each run. */
export function runSeed(): number {
  const given = process.env.PATCH_PROPERTY_SEED;
  return given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
}
