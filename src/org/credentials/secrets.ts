import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque bearer secrets (SCIM tokens, API keys): 256 random bits behind a
 * recognisable prefix, so leaked ones can be found by secret scanners. Only the
 * SHA-256 hash is stored; a high-entropy secret needs no slow hash.
 */
export interface NewSecret {
  secret: string;
  /** The first characters, shown in lists so people can tell their secrets apart. */
  prefix: string;
  hash: string;
}

export function generateSecret(kind: 'scim' | 'key'): NewSecret {
  const secret = `roster_${kind}_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, kind.length + 12), hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two hex hashes in constant time. */
export function hashesMatch(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
