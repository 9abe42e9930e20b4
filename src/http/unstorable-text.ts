import type { Request, RequestHandler } from 'express';
import { invalidInput, pointer } from './validate.js';

/**
 * Text Roster refuses at the door, before any query runs:
 * - NUL (U+0000): PostgreSQL's text and jsonb cannot hold it, so a query that
 *   carries one fails (22021 / 22P05) instead of storing it.
 * - Lone surrogates (U+D800–U+DFFF unpaired): not Unicode scalar values, so they
 *   have no UTF-8 form (RFC 3629 §3). Encoding them silently turns them into
 *   U+FFFD in text, and a jsonb value refuses them: the same input would be
 *   stored changed in one column and fail in another. Refused everywhere instead.
 * - Nesting deeper than `maxDepth`: no request Roster understands is deeper
 *   than a handful of levels (a Bulk operation's PATCH value is about six), and
 *   recursive code further on must never meet 10,000 levels.
 */
const maxDepth = 32;

/** Where in the request a problem is; `path` is a JSON Pointer (RFC 6901) into that part. */
export interface InputProblem {
  in: 'body' | 'query' | 'path';
  path: string;
  message: string;
}

const nul = /\u0000/;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A problem found, with what kind it is (adapters choose their error type by it). */
export interface UnstorableInput extends InputProblem {
  reason: 'nul' | 'surrogate' | 'depth';
}

const messages = {
  nul: 'contains a NUL character (U+0000), which cannot be stored',
  surrogate: 'contains an unpaired UTF-16 surrogate, which is not valid Unicode',
} as const;

function textReason(text: string): 'nul' | 'surrogate' | undefined {
  if (nul.test(text)) return 'nul';
  if (loneSurrogate.test(text)) return 'surrogate';
  return undefined;
}

/** Why `text` cannot be stored as it is, or undefined when it can. */
export function unstorableReason(text: string): string | undefined {
  const reason = textReason(text);
  return reason && messages[reason];
}

/**
 * The first string (value or object key) in a parsed JSON value that cannot be
 * stored, or the first place nested too deeply. Iterative, so depth never
 * reaches the call stack. Pointers are built only for the problem found.
 */
function findUnstorable(value: unknown, part: InputProblem['in']): UnstorableInput | undefined {
  const stack: Array<{ value: unknown; depth: number; path: Array<string | number> }> = [{ value, depth: 0, path: [] }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      const reason = textReason(item.value);
      if (reason) return { in: part, path: pointer(item.path), message: messages[reason], reason };
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= maxDepth) return { in: part, path: pointer(item.path), message: `is nested more than ${maxDepth} levels deep`, reason: 'depth' };
    const entries: Array<[string | number, unknown]> = Array.isArray(item.value)
      ? item.value.map((inner, index) => [index, inner])
      : Object.entries(item.value);
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, inner] = entries[index]!;
      if (typeof key === 'string') {
        const reason = textReason(key);
        if (reason) return { in: part, path: pointer([...item.path, key]), message: `has a key that ${messages[reason]}`, reason };
      }
      stack.push({ value: inner, depth: item.depth + 1, path: [...item.path, key] });
    }
  }
  return undefined;
}

/** The first problem in the request's path, query string or parsed body (JSON or form). */
export function unstorableInRequest(req: Request): UnstorableInput | undefined {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    // A malformed escape (`%E0%A4%A`) decodes to nothing a route can match; the router answers it.
    path = req.path;
  }
  const reason = textReason(path);
  if (reason) return { in: 'path', path: '', message: `The URL path ${messages[reason]}`, reason };
  return findUnstorable(req.query, 'query') ?? findUnstorable(req.body, 'body');
}

/**
 * Refuses a request carrying text that cannot be stored, before anything reads
 * it further (rate-limit keys included). Mount after the body parsers. The error
 * is the admin API's validation error (`invalid_request` with `details.problems`).
 */
export function refuseUnstorableText(): RequestHandler {
  return (req, _res, next) => {
    const found = unstorableInRequest(req);
    next(found ? invalidInput([{ in: found.in, path: found.path, message: found.message }]) : undefined);
  };
}
