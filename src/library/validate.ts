import type { ZodType, z } from 'zod';
import { DevupError } from '../errors.js';

/** Parses service input with a zod schema; every problem listed in one 400 (`path` prefixed). */
export function validate<T extends ZodType>(schema: T, value: unknown, prefix = 'body'): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fieldErrors = parsed.error.issues.map((issue) => ({ path: [prefix, ...issue.path.map(String)].join('.'), message: issue.message }));
  throw new DevupError('invalid_request', `Invalid input: ${fieldErrors.map((error) => `${error.path}: ${error.message}`).join('; ')}`, {
    fieldErrors,
  });
}
