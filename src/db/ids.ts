import { randomBytes } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then random bits.
 * Time-ordered ids keep B-tree inserts local and give SCIM lists a stable order
 * that follows creation, at no cost.
 *
 * Within one process the ids also follow each other inside a millisecond (RFC 9562 §6.2,
 * method 1): the 12 bits after the version are a counter that starts at a random value in
 * each new millisecond and counts up, borrowing the next millisecond when it runs out. Rows
 * written in the same millisecond (two mails to one address; `now()` ties on the embedded
 * database) then still sort in the order they were made. An explicit `now` (tests) gets random bits.
 */
let lastMillis = 0;
let counter = 0;

export function newId(now?: number): string {
  const bytes = randomBytes(16);
  let millis: number;
  let sequence: number;
  if (now === undefined) {
    const clock = Date.now();
    if (clock > lastMillis) {
      lastMillis = clock;
      // Start in the lower half, so most milliseconds never need to borrow the next one.
      counter = bytes.readUInt16BE(6) & 0x07ff;
    } else if (++counter > 0x0fff) {
      lastMillis += 1;
      counter = 0;
    }
    millis = lastMillis;
    sequence = counter;
  } else {
    millis = now;
    sequence = bytes.readUInt16BE(6) & 0x0fff;
  }
  bytes.writeUIntBE(millis, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come from callers (URLs, SCIM bodies); anything that is not a UUID cannot name a row. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}
