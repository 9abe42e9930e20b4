import type { Request, Response, Router } from 'express';
import type { ResourceWrites, ScimContext, WriteResult } from './context.js';
import { ScimError } from './errors.js';

type Json = Record<string, unknown>;

/** Small helpers every SCIM route shares: the media type, ETags and preconditions (RFC 7644 §3.14). */

const scimMediaType = 'application/scim+json';

/** A resource's ETag and `meta.version` (RFC 7644 §3.14): weak, from its version number. */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

export function sendResource(res: Response, status: number, body: Json, version?: number): void {
  if (version !== undefined) res.setHeader('ETag', etagOf(version));
  res.status(status).type(scimMediaType).send(JSON.stringify(body));
}

function versionsIn(header: string): Array<number | '*'> {
  return header.split(',').map((tag) => {
    const trimmed = tag.trim();
    if (trimmed === '*') return '*';
    const match = /^(?:W\/)?"(\d+)"$/.exec(trimmed);
    return match ? Number(match[1]) : -1;
  });
}

/** The versions an `If-Match` header accepts (RFC 7232 §3.1: any of them); a header that can never match fails at once with 412. */
function ifMatchVersion(req: Request): number[] | undefined {
  return expectedVersions(req.headers['if-match']);
}

/** `If-Match`, or a Bulk operation's `version`, as the versions it accepts; undefined when anything goes. */
export function expectedVersions(header: string | undefined): number[] | undefined {
  if (!header) return undefined;
  const versions = versionsIn(header);
  if (versions.includes('*')) return undefined;
  const numbers = versions.filter((version): version is number => version !== '*' && version >= 0);
  if (numbers.length === 0) throw new ScimError(412, undefined, 'If-Match names no version of this resource');
  return numbers;
}

/** `If-None-Match` on a read: true when the client's copy is current (answer 304). */
function notModified(req: Request, version: number): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return versionsIn(header).some((tag) => tag === '*' || tag === version);
}

/** Answers a read: 304 when the client's copy is current, else the resource `present` builds. */
export function sendRead(req: Request, res: Response, version: number, present: () => Json): void {
  if (notModified(req, version)) {
    res.setHeader('ETag', etagOf(version));
    res.status(304).end();
    return;
  }
  sendResource(res, 200, present(), version);
}

export function baseUrlOf(publicUrl: string): string {
  return `${publicUrl}/scim/v2`;
}

/**
 * Mounts a resource type's writes (RFC 7644 §3.3, §3.5, §3.6) on its router: POST creates, PUT
 * replaces, PATCH patches, DELETE removes, each with the request's If-Match; `send` answers.
 */
export function routeWrites(
  router: Router,
  writes: ResourceWrites,
  contextOf: (res: Response) => ScimContext,
  send: (req: Request, res: Response, result: WriteResult) => void | Promise<void>,
): void {
  router.post('/', async (req, res) => send(req, res, await writes.create(contextOf(res), req.body)));
  router.put('/:id', async (req, res) => send(req, res, await writes.replace(contextOf(res), req.params.id, req.body, ifMatchVersion(req))));
  router.patch('/:id', async (req, res) => send(req, res, await writes.patch(contextOf(res), req.params.id, req.body, ifMatchVersion(req))));
  router.delete('/:id', async (req, res) => send(req, res, await writes.remove(contextOf(res), req.params.id, ifMatchVersion(req))));
}
