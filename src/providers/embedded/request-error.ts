import type { z } from 'zod';
import { DevupError } from '../../errors.js';

/** One invalid_request listing every bad field of a request body, paths under `prefix`. */
export function requestError(issues: z.core.$ZodIssue[], prefix: string[] = []): DevupError {
  const fieldErrors = issues.map((issue) => ({ path: [...prefix, ...issue.path.map(String)].join('.'), message: issue.message }));
  return new DevupError('invalid_request', `Invalid request: ${fieldErrors.map((error) => `${error.path}: ${error.message}`).join('; ')}`, {
    fieldErrors,
  });
}
