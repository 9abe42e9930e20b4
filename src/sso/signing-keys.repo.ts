import type { JWK } from 'jose';
import type { Tx } from '../db/transaction.js';

export interface StoredSigningKey {
  kid: string;
  algorithm: string;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: Date;
  retiredAt: Date | null;
}

interface SigningKeyRow {
  kid: string;
  algorithm: string;
  private_jwk: JWK;
  public_jwk: JWK;
  created_at: Date;
  retired_at: Date | null;
}

function rowToSigningKey(row: SigningKeyRow): StoredSigningKey {
  return {
    kid: row.kid,
    algorithm: row.algorithm,
    privateJwk: typeof row.private_jwk === 'string' ? (JSON.parse(row.private_jwk) as JWK) : row.private_jwk,
    publicJwk: typeof row.public_jwk === 'string' ? (JSON.parse(row.public_jwk) as JWK) : row.public_jwk,
    createdAt: new Date(row.created_at),
    retiredAt: row.retired_at ? new Date(row.retired_at) : null,
  };
}

/** Keys still in use: the active ones and those retired less than `graceSeconds` ago. */
export async function selectUsableSigningKeys(tx: Tx, graceSeconds: number): Promise<StoredSigningKey[]> {
  const rows = (await tx('signing_keys')
    .whereNull('retired_at')
    .orWhereRaw('retired_at > now() - make_interval(secs => ?)', [graceSeconds])
    .orderBy('created_at', 'desc')) as SigningKeyRow[];
  return rows.map(rowToSigningKey);
}

export async function insertSigningKey(tx: Tx, key: { kid: string; algorithm: string; privateJwk: JWK; publicJwk: JWK }): Promise<void> {
  await tx('signing_keys').insert({
    kid: key.kid,
    algorithm: key.algorithm,
    private_jwk: JSON.stringify(key.privateJwk),
    public_jwk: JSON.stringify(key.publicJwk),
  });
}

/** Retires every active key but `kid`; answers the kids retired. */
export async function retireSigningKeysExcept(tx: Tx, kid: string): Promise<string[]> {
  const rows = (await tx('signing_keys').whereNull('retired_at').whereNot({ kid }).update({ retired_at: tx.fn.now() }).returning('kid')) as Array<{ kid: string }>;
  return rows.map((row) => row.kid);
}
