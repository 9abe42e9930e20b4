import type { JWK } from 'jose';
import type { Tx } from '../db/transaction.js';

export interface StoredSigningKey {
  kid: string;
  algorithm: string;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: Date;
  /** From when the key signs; before that it only verifies (it is published ahead). */
  activatesAt: Date;
  /** From when it no longer signs (its successor's activation); null while it has none. */
  retiredAt: Date | null;
}

interface SigningKeyRow {
  kid: string;
  algorithm: string;
  private_jwk: JWK;
  public_jwk: JWK;
  created_at: Date;
  activates_at: Date;
  retired_at: Date | null;
}

function rowToSigningKey(row: SigningKeyRow): StoredSigningKey {
  return {
    kid: row.kid,
    algorithm: row.algorithm,
    privateJwk: typeof row.private_jwk === 'string' ? (JSON.parse(row.private_jwk) as JWK) : row.private_jwk,
    publicJwk: typeof row.public_jwk === 'string' ? (JSON.parse(row.public_jwk) as JWK) : row.public_jwk,
    createdAt: new Date(row.created_at),
    activatesAt: new Date(row.activates_at),
    retiredAt: row.retired_at ? new Date(row.retired_at) : null,
  };
}

/** Keys still in use: the active and published ones, and those retired less than `graceSeconds` ago. */
export async function selectUsableSigningKeys(tx: Tx, graceSeconds: number): Promise<StoredSigningKey[]> {
  const rows = (await tx('signing_keys')
    .whereNull('retired_at')
    .orWhereRaw('retired_at > now() - make_interval(secs => ?)', [graceSeconds])
    .orderBy('activates_at', 'desc')) as SigningKeyRow[];
  return rows.map(rowToSigningKey);
}

export async function insertSigningKey(tx: Tx, key: { kid: string; algorithm: string; privateJwk: JWK; publicJwk: JWK; activatesAt: Date }): Promise<void> {
  await tx('signing_keys').insert({
    kid: key.kid,
    algorithm: key.algorithm,
    private_jwk: JSON.stringify(key.privateJwk),
    public_jwk: JSON.stringify(key.publicJwk),
    activates_at: key.activatesAt,
  });
}

/**
 * Every other key stops signing at `at` (the new key's activation), or earlier if it was to stop
 * earlier already; answers the kids whose retirement this set.
 */
export async function retireSigningKeysAt(tx: Tx, exceptKid: string, at: Date): Promise<string[]> {
  const rows = (await tx('signing_keys')
    .whereNot({ kid: exceptKid })
    .andWhere((q) => q.whereNull('retired_at').orWhere('retired_at', '>', at))
    .update({ retired_at: at })
    .returning('kid')) as Array<{ kid: string }>;
  return rows.map((row) => row.kid);
}
