import type { z } from 'zod';
import { DevupError, type FieldError } from './errors.js';

/**
 * The one way a schema failure becomes an error: every bad field, its path joined with dots under
 * `prefix`, in one `invalid_request` worded "Invalid {what}: path: message; …".
 *
 * @example parseOrThrow(specSchema, input, 'endpoint spec') // throws "Invalid endpoint spec: url: Invalid URL"
 */
export function parseOrThrow<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  what: string,
  prefix: readonly string[] = [],
): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidRequest(what, fieldErrorsOf(parsed.error.issues, prefix));
}

/** The field errors of a failed parse, paths joined with dots under `prefix`. */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[], prefix: readonly string[] = []): FieldError[] {
  return issues.map((issue) => ({ path: [...prefix, ...issue.path.map(String)].join('.'), message: issue.message }));
}

/** One `invalid_request` listing every field error (also the error's `details`). */
export function invalidRequest(what: string, fieldErrors: FieldError[]): DevupError {
  const listed = fieldErrors.map((error) => `${error.path || '(root)'}: ${error.message}`).join('; ');
  return new DevupError('invalid_request', `Invalid ${what}: ${listed}`, { fieldErrors });
}
