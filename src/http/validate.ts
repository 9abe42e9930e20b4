import type { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import type { InputProblem } from './unstorable-text.js';

/**
 * Request validation errors: one 400 `invalid_request` that lists every problem
 * in `details.problems` as `{in, path, message}`, `path` a JSON Pointer (RFC 6901)
 * into the body or the query (`/emails/0`, `/limit`; `""` for the whole body).
 */

type Part = 'body' | 'query';

/** A JSON Pointer (RFC 6901) to `path`; a key past 100 characters is cut short (`…`) so an error never echoes a huge input. */
export function pointer(path: readonly PropertyKey[]): string {
  return path
    .map((key) => {
      const text = String(key);
      return `/${(text.length > 100 ? `${text.slice(0, 100)}…` : text).replaceAll('~', '~0').replaceAll('/', '~1')}`;
    })
    .join('');
}

function problemsOf(issues: readonly z.core.$ZodIssue[], part: Part, base: readonly PropertyKey[] = []): InputProblem[] {
  return issues.flatMap((issue): InputProblem[] => {
    const path = [...base, ...issue.path];
    // A field the schema does not know: one problem per field, at the field.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ in: part, path: pointer([...path, key]), message: 'is not a known field' }));
    // No alternative fits: the one that came closest (fewest problems) says what is wrong.
    // (Unknown fields count first: the alternative whose fields the body uses is the one meant.)
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const unknownFields = (issues: readonly z.core.$ZodIssue[]) =>
        issues.reduce((sum, inner) => sum + (inner.code === 'unrecognized_keys' ? inner.keys.length : 0), 0);
      const closest = [...issue.errors].sort((a, b) => unknownFields(a) - unknownFields(b) || a.length - b.length)[0]!;
      if (closest.length > 0) return problemsOf(closest, part, path);
    }
    return [{ in: part, path: pointer(path), message: issue.message }];
  });
}

/** The problems of `value` against `schema`, or its parsed value. */
export function checkInput<T>(schema: z.ZodType<T>, value: unknown, part: Part = 'body'): { ok: true; data: T } | { ok: false; problems: InputProblem[] } {
  const result = schema.safeParse(value ?? {});
  return result.success ? { ok: true, data: result.data } : { ok: false, problems: problemsOf(result.error.issues, part) };
}

function describe(problem: InputProblem): string {
  const where = problem.path.slice(1).replaceAll('/', '.');
  return where ? `${where}: ${problem.message}` : problem.message;
}

/** The 400 for these problems; its message names each of them too, for people reading it. */
export function invalidInput(problems: InputProblem[]): InvalidInputError {
  return new InvalidInputError('invalid_request', problems.map(describe).join('; '), { problems });
}

/** Validates a request body or query against its schema; every problem is listed in one 400. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, part: Part = 'body'): T {
  const checked = checkInput(schema, value, part);
  if (!checked.ok) throw invalidInput(checked.problems);
  return checked.data;
}
