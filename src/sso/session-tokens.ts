import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { Knex } from 'knex';
import { inTransaction } from '../db/transaction.js';
import { DomainError } from '../errors.js';
import type { Session } from './sessions.repo.js';
import { insertSigningKey, retireSigningKeysExcept, selectUsableSigningKeys, type StoredSigningKey } from './signing-keys.repo.js';

/**
 * Session tokens: short-lived JWTs (RFC 7519) signed with ES256 under a `kid`,
 * carrying the session id (`sid`). A token alone admits nobody: every request
 * also checks the session row and the member behind it. Verification accepts
 * ES256 only, from known keys only, with this Roster's issuer and audience.
 * Keys live in the database, shared by every instance; each instance re-reads
 * them every minute, and a retired key keeps verifying for one token lifetime,
 * so a rotation anywhere never cuts a valid token short.
 */

const algorithm = 'ES256';
export const sessionAudience = 'roster';

export interface SessionClaims {
  sessionId: string;
  accountId: string;
  organizationId: string | null;
  issuedAt: Date;
  expiresAt: Date;
}

interface LoadedKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  retired: boolean;
}

export class SessionTokens {
  private keys: LoadedKey[] | undefined;
  private loading: Promise<LoadedKey[]> | undefined;
  /** When keys were last read for an unknown kid: forged kids must not each cost a query. */
  private lastLookup = 0;
  /** When the keys were read: re-read a minute later, so a rotation on another instance reaches this one. */
  private loadedAt = 0;

  constructor(
    private readonly db: Knex,
    private readonly issuer: string,
    private readonly tokenTtlMs: number,
  ) {}

  /** Signs a token for the session, expiring at the token lifetime or the session's end, whichever is first. */
  async issue(session: Pick<Session, 'id' | 'accountId' | 'organizationId' | 'expiresAt'>): Promise<{ token: string; expiresAt: Date }> {
    const key = (await this.loaded()).find((candidate) => !candidate.retired) ?? (await this.reload(true)).find((candidate) => !candidate.retired);
    if (!key) throw new Error('No signing key is active');
    const now = Date.now();
    const expiresAt = new Date(Math.min(now + this.tokenTtlMs, session.expiresAt.getTime()));
    const token = await new SignJWT({ sid: session.id, ...(session.organizationId ? { org: session.organizationId } : {}) })
      .setProtectedHeader({ alg: algorithm, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(sessionAudience)
      .setSubject(session.accountId)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .setJti(randomUUID())
      .sign(key.privateKey);
    return { token, expiresAt };
  }

  /** The claims of a valid token, or null for anything else: bad signature, algorithm, key, issuer, audience or time. */
  async verify(token: string): Promise<SessionClaims | null> {
    try {
      const { payload } = await jwtVerify(token, (header) => this.publicKeyFor(header.kid), {
        algorithms: [algorithm],
        issuer: this.issuer,
        audience: sessionAudience,
        requiredClaims: ['sid', 'sub', 'exp', 'iat'],
      });
      return claimsOf(payload);
    } catch (error) {
      // The keys could not be read (the database is unreachable): that is no verdict on the token.
      if (error instanceof DomainError) throw error;
      return null;
    }
  }

  /** Adds a fresh key and retires the others; tokens they signed stay valid until they expire. */
  async rotate(): Promise<{ kid: string; retired: string[] }> {
    const kid = randomUUID();
    const retired = await inTransaction(this.db, async (tx) => {
      await insertSigningKey(tx, { kid, algorithm, ...(await newKeyPair()) });
      return retireSigningKeysExcept(tx, kid);
    });
    await this.reload(true);
    return { kid, retired };
  }

  private async publicKeyFor(kid: string | undefined): Promise<CryptoKey> {
    if (!kid) throw new Error('token without kid');
    let known = (await this.loaded()).find((key) => key.kid === kid);
    if (!known && Date.now() - this.lastLookup > 5000) {
      // Another instance may have rotated: look again, at most every few seconds.
      this.lastLookup = Date.now();
      known = (await this.reload(false)).find((key) => key.kid === kid);
    }
    if (!known) throw new Error('unknown kid');
    return known.publicKey;
  }

  private loaded(): Promise<LoadedKey[]> {
    return this.keys && Date.now() - this.loadedAt < 60_000 ? Promise.resolve(this.keys) : this.reload(true);
  }

  /** Reads the usable keys (another instance may have rotated); creates the first key on first start. */
  private reload(createIfNone: boolean): Promise<LoadedKey[]> {
    this.loading ??= (async () => {
      try {
        const graceSeconds = Math.ceil(this.tokenTtlMs / 1000);
        let stored = await inTransaction(this.db, (tx) => selectUsableSigningKeys(tx, graceSeconds));
        if (createIfNone && !stored.some((key) => !key.retiredAt)) {
          await inTransaction(this.db, async (tx) => insertSigningKey(tx, { kid: randomUUID(), algorithm, ...(await newKeyPair()) }));
          stored = await inTransaction(this.db, (tx) => selectUsableSigningKeys(tx, graceSeconds));
        }
        this.keys = await Promise.all(stored.map(load));
        this.loadedAt = Date.now();
        return this.keys;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}

async function newKeyPair(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

async function load(key: StoredSigningKey): Promise<LoadedKey> {
  return {
    kid: key.kid,
    privateKey: (await importJWK(key.privateJwk, algorithm)) as CryptoKey,
    publicKey: (await importJWK(key.publicJwk, algorithm)) as CryptoKey,
    retired: key.retiredAt !== null,
  };
}

function claimsOf(payload: JWTPayload): SessionClaims | null {
  if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string') return null;
  return {
    sessionId: payload.sid,
    accountId: payload.sub,
    organizationId: typeof payload.org === 'string' ? payload.org : null,
    issuedAt: new Date(payload.iat! * 1000),
    expiresAt: new Date(payload.exp! * 1000),
  };
}
