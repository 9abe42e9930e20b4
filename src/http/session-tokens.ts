import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { Knex } from 'knex';
import { inTransaction } from '../db/transaction.js';
import { DomainError } from '../errors.js';
import type { Session } from '../org/credentials/sessions.repo.js';
import { insertSigningKey, retireSigningKeysAt, selectUsableSigningKeys, type StoredSigningKey } from './signing-keys.repo.js';

/**
 * Session tokens: short-lived JWTs (RFC 7519) signed with ES256 under a `kid`,
 * carrying the session id (`sid`). A token alone admits nobody: every request
 * also checks the session row and the member behind it. Verification accepts
 * ES256 only, from known keys only, with this Roster's issuer and audience.
 * Keys live in the database, shared by every instance; each instance re-reads
 * them every minute. A rotation publishes the next key `keyPublishAheadMs`
 * before it signs, so every instance has read it, and verifies what it signs,
 * before any instance signs with it; at that time every instance switches to it
 * by its own clock. The key it replaces keeps verifying for one token lifetime
 * after that, so a rotation anywhere never cuts a valid token short.
 */

const algorithm = 'ES256';
export const sessionAudience = 'roster';

/** How often each instance re-reads the signing keys. */
export const keyRefreshMs = 60_000;
/** What instances' clocks may differ by (NTP keeps them far closer), and a slow re-read may take. */
const clockMarginMs = 10_000;
/** How long before it signs a rotated-in key is published: past every instance's next re-read. */
export const keyPublishAheadMs = keyRefreshMs + clockMarginMs;
/** How often, at most, an unknown kid makes this instance look at the database for new keys. */
const unknownKidLookupMs = 5_000;

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
  activatesAt: number;
  retiredAt: number | null;
}

export interface SessionTokenOptions {
  /** The clock keys' activation and retirement are read against (tests move it). */
  now?: () => number;
}

export class SessionTokens {
  private keys: LoadedKey[] | undefined;
  private loading: Promise<LoadedKey[]> | undefined;
  /** When keys were last read for an unknown kid: forged kids must not each cost a query. */
  private lastLookup = 0;
  /** When the keys were read: re-read a minute later, so a rotation on another instance reaches this one. */
  private loadedAt = 0;
  private readonly now: () => number;

  constructor(
    private readonly db: Knex,
    private readonly issuer: string,
    private readonly tokenTtlMs: number,
    options: SessionTokenOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Signs a token for the session, expiring at the token lifetime or the session's end, whichever is first. */
  async issue(session: Pick<Session, 'id' | 'accountId' | 'organizationId' | 'expiresAt'>): Promise<{ token: string; expiresAt: Date }> {
    const key = signingKeyOf(await this.loaded(), this.now()) ?? signingKeyOf(await this.reload(true), this.now());
    if (!key) throw new Error('No signing key is active');
    const now = this.now();
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

  /**
   * Publishes a fresh key that signs from `activatesAt` (`keyPublishAheadMs` from now) and
   * retires the others at that time; tokens they signed stay valid until they expire.
   */
  async rotate(): Promise<{ kid: string; activatesAt: Date; retired: string[] }> {
    const kid = randomUUID();
    const activatesAt = new Date(this.now() + keyPublishAheadMs);
    const retired = await inTransaction(this.db, async (tx) => {
      await insertSigningKey(tx, { kid, algorithm, activatesAt, ...(await newKeyPair()) });
      return retireSigningKeysAt(tx, kid, activatesAt);
    });
    await this.reload(true);
    return { kid, activatesAt, retired };
  }

  private async publicKeyFor(kid: string | undefined): Promise<CryptoKey> {
    if (!kid) throw new Error('token without kid');
    let known = (await this.loaded()).find((key) => key.kid === kid);
    if (!known && this.now() - this.lastLookup > unknownKidLookupMs) {
      // A key created since the last read (a first key another instance made at start-up): look again, at most every few seconds.
      this.lastLookup = this.now();
      known = (await this.reload(false)).find((key) => key.kid === kid);
    }
    if (!known) throw new Error('unknown kid');
    return known.publicKey;
  }

  private loaded(): Promise<LoadedKey[]> {
    return this.keys && this.now() - this.loadedAt < keyRefreshMs ? Promise.resolve(this.keys) : this.reload(true);
  }

  /** Reads the usable keys (another instance may have rotated); creates the first key on first start. */
  private reload(createIfNone: boolean): Promise<LoadedKey[]> {
    this.loading ??= (async () => {
      try {
        // Read before the query: a rotation committed while it runs is seen by the next re-read, within keyRefreshMs.
        const readAt = this.now();
        // A retired key's last tokens were signed at its retirement by the slowest clock.
        const graceSeconds = Math.ceil((this.tokenTtlMs + clockMarginMs) / 1000);
        let stored = await inTransaction(this.db, (tx) => selectUsableSigningKeys(tx, graceSeconds));
        if (createIfNone && !stored.some((key) => key.retiredAt === null)) {
          await inTransaction(this.db, async (tx) =>
            insertSigningKey(tx, { kid: randomUUID(), algorithm, activatesAt: new Date(readAt), ...(await newKeyPair()) }),
          );
          stored = await inTransaction(this.db, (tx) => selectUsableSigningKeys(tx, graceSeconds));
        }
        this.keys = await Promise.all(stored.map(load));
        this.loadedAt = readAt;
        return this.keys;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}

/**
 * The key to sign with at `now`: the one activated last and not retired yet. When none has
 * activated by this clock (a first key made on an instance whose clock runs ahead), the one
 * activating first, rather than no sign-in at all.
 */
function signingKeyOf(keys: LoadedKey[], now: number): LoadedKey | undefined {
  const current = keys.filter((key) => key.retiredAt === null || key.retiredAt > now);
  const active = current.filter((key) => key.activatesAt <= now).sort((a, b) => b.activatesAt - a.activatesAt);
  return active[0] ?? current.sort((a, b) => a.activatesAt - b.activatesAt)[0];
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
    activatesAt: key.activatesAt.getTime(),
    retiredAt: key.retiredAt?.getTime() ?? null,
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
