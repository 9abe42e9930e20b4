import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError, type ErrorKind } from '../errors.js';
import { translateDbError } from '../db/pg-errors.js';
import { log } from '../log.js';

/** How each kind of domain error reads over HTTP. SCIM renders its own schema from the same kinds. */
const statusOfKind: Record<ErrorKind, number> = {
  not_found: 404,
  conflict: 409,
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  unavailable: 503,
  rate_limited: 429,
};

/** Seconds a client should wait before retrying when the database is unreachable. */
const retryAfterSeconds = 5;

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: { code: 'route_not_found', message: 'No such endpoint' } });
};

/** The last handler: a domain error keeps its code; anything else is a 500 that says nothing internal. */
export const renderError: ErrorRequestHandler = (rawError, _req, res, _next) => {
  const error = translateDbError(rawError);
  if (error instanceof DomainError) {
    const status = statusOfKind[error.kind];
    if (status === 503) res.setHeader('Retry-After', String(retryAfterSeconds));
    if (status === 429) res.setHeader('Retry-After', String(error.details?.retryAfterSeconds ?? 1));
    res.status(status).json({ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } });
    return;
  }
  const httpStatus = (rawError as { status?: number; statusCode?: number }).status ?? (rawError as { statusCode?: number }).statusCode;
  if (httpStatus && httpStatus >= 400 && httpStatus < 500) {
    // Body-parser and similar client errors: malformed JSON, body too large.
    const code = httpStatus === 413 ? 'payload_too_large' : 'bad_request';
    res.status(httpStatus).json({ error: { code, message: httpStatus === 413 ? 'The request body is too large' : 'The request is malformed' } });
    return;
  }
  log().error({ err: rawError }, 'unhandled error');
  res.status(500).json({ error: { code: 'internal_error', message: 'Something went wrong on our side' } });
};
