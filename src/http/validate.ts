import type { z } from 'zod';
import { InvalidInputError } from '../errors.js';

/** Validates a request body or query against its schema; the first problem becomes a clear 400. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.join('.');
    throw new InvalidInputError('invalid_request', where ? `${where}: ${issue.message}` : issue.message, where ? { field: where } : undefined);
  }
  return result.data;
}
