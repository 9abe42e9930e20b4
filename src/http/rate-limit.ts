import type { Request, RequestHandler } from 'express';
import type { Knex } from 'knex';
import { RateLimitedError } from '../errors.js';
import { countRequest } from './rate-limits.repo.js';

export interface RateLimit {
  /** What is counted: a name and the request's key for it (the client address, the email asked about…); undefined skips. */
  name: string;
  keyOf(req: Request): string | undefined;
  /** Requests allowed per window; 0 turns the limit off. */
  limit: number;
  windowSeconds: number;
}

/**
 * Limits requests per key in fixed windows counted in PostgreSQL, so every
 * instance shares the count. Past the limit: 429 with Retry-After.
 */
export function rateLimited(db: Knex, ...limits: RateLimit[]): RequestHandler {
  return (req, _res, next) => {
    (async () => {
      for (const limit of limits) {
        const key = limit.limit > 0 ? limit.keyOf(req) : undefined;
        if (key === undefined) continue;
        const { hits, windowEndsAt } = await countRequest(db, `${limit.name}:${key}`, limit.windowSeconds);
        if (hits > limit.limit) {
          throw new RateLimitedError(Math.max(1, Math.ceil((windowEndsAt.getTime() - Date.now()) / 1000)), limit.limit, `${limit.windowSeconds} seconds`);
        }
      }
    })().then(() => next(), next);
  };
}

/** The client's address: behind a proxy TRUST_PROXY trusts, the one it forwards (X-Forwarded-For); otherwise the peer's. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
