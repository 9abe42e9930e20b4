import type { ErrorRequestHandler, Response } from 'express';
import { translateDbError } from '../db/pg-errors.js';
import { DomainError } from '../errors.js';
import { log } from '../log.js';

/** RFC 7644 §3.12 error body. Roster renders it itself: scimmy's formatter cannot express 429 or 503. */
const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  | 'invalidCursor'
  | 'expiredCursor';

/** A protocol-level failure with its HTTP status and, for 400/409, the RFC 7644 `scimType`. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ScimError';
  }
}

export const badRequest = (scimType: ScimType, detail: string) => new ScimError(400, scimType, detail);

/** Seconds an IdP should wait before retrying when the database is unreachable. */
const unavailableRetryAfter = '5';

/** Domain error codes whose meaning on the wire is more specific than their kind. */
const codeMapping: Record<string, { status: number; scimType?: ScimType }> = {
  user_name_taken: { status: 409, scimType: 'uniqueness' },
  already_exists: { status: 409, scimType: 'uniqueness' },
  group_name_taken: { status: 409, scimType: 'uniqueness' },
  version_mismatch: { status: 412 },
  // RFC 7644 §3.12: a value the server cannot accept; the detail says which product ran out.
  no_seats_available: { status: 400, scimType: 'invalidValue' },
  externally_managed: { status: 409, scimType: 'mutability' },
  last_admin: { status: 409 },
  invalid_filter: { status: 400, scimType: 'invalidFilter' },
  invalid_cursor: { status: 400, scimType: 'invalidCursor' },
};

const kindMapping: Record<DomainError['kind'], { status: number; scimType?: ScimType }> = {
  not_found: { status: 404 },
  conflict: { status: 409 },
  invalid: { status: 400, scimType: 'invalidValue' },
  unauthenticated: { status: 401 },
  forbidden: { status: 403 },
  unavailable: { status: 503 },
  rate_limited: { status: 429 },
};

/** Any error as a SCIM error: domain errors by code and kind, database errors translated first, the rest a 500. */
export function toScimError(raw: unknown): ScimError {
  if (raw instanceof ScimError) return raw;
  const error = translateDbError(raw);
  if (error instanceof DomainError) {
    const { status, scimType } = codeMapping[error.code] ?? kindMapping[error.kind];
    const retryAfter = status === 503 ? unavailableRetryAfter : status === 429 ? String(error.details?.retryAfterSeconds ?? 1) : undefined;
    return new ScimError(status, scimType, error.message, retryAfter ? { 'Retry-After': retryAfter } : {});
  }
  const http = error as { status?: number; type?: string };
  if (http.type === 'entity.too.large') return new ScimError(413, undefined, 'The request body is larger than the advertised maxPayloadSize');
  if (http.type === 'entity.parse.failed') return badRequest('invalidSyntax', 'The request body is not valid JSON');
  if (http.status && http.status >= 400 && http.status < 500) return new ScimError(http.status, undefined, 'The request is malformed');
  log().error({ err: raw }, 'unhandled error in SCIM request');
  return new ScimError(500, undefined, 'Something went wrong on our side; the change was not applied');
}

export function scimErrorBody(error: ScimError): Record<string, unknown> {
  return {
    schemas: [errorSchema],
    status: String(error.status),
    ...(error.scimType ? { scimType: error.scimType } : {}),
    detail: error.message,
  };
}

export function sendScimError(res: Response, raw: unknown): void {
  const error = toScimError(raw);
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res
    .status(error.status)
    .type('application/scim+json')
    .send(JSON.stringify(scimErrorBody(error)));
}

/** The SCIM router's last handler: every failure leaves in the SCIM error schema, never as HTML. */
export const renderScimError: ErrorRequestHandler = (error, _req, res, _next) => {
  sendScimError(res, error);
};
