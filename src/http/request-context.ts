import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { runWithContext } from '../log.js';

const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;
const unlogged = new Set(['/healthz', '/readyz']);

/** A join link carries its invitation token in the path (`/join/<token>`): the log keeps the page, not the token. */
function loggedPath(path: string): string {
  return path.replace(/^\/join\/[^/]+/, '/join/[token]');
}

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is sane),
 * echoes it back, makes the request's logger the one `log()` returns while it
 * is served, and writes one access line when the response ends. The access line
 * holds the method, the path, the status and the time: never headers (they
 * carry credentials), never the query string (it can carry one-time sign-in
 * tokens), and never the token of a join link's path.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && acceptableRequestId.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const path = loggedPath((req.url ?? '').split('?')[0]!);
    if (!unlogged.has(path)) {
      const started = process.hrtime.bigint();
      const written = () => {
        res.off('close', aborted);
        const status = res.statusCode;
        const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
        logger[level]({ requestId, req: { method: req.method, path }, res: { statusCode: status }, responseTime: elapsed(started) }, 'request completed');
      };
      const aborted = () => {
        res.off('finish', written);
        logger.warn({ requestId, req: { method: req.method, path }, responseTime: elapsed(started) }, 'request aborted');
      };
      res.once('finish', written);
      res.once('close', aborted);
    }
    runWithContext(requestId, logger, next);
  };
}

function elapsed(started: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
}
