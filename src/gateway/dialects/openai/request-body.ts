import { DevupError } from '../../../errors.js';
import { fieldErrorsOf, invalidRequest } from '../../../validation.js';
import { openAIRequestSchemas, type OpenAIOperation } from './openai-request-schemas.js';

/**
 * Checks a request body against the OpenAI fields of its route, listing every problem in one 400
 * (`param` names the first), before a limit is charged or an upstream called. Fields OpenAI does
 * not define go to the upstream untouched.
 */
export function checkRequestBody(operation: OpenAIOperation, body: unknown): asserts body is Record<string, unknown> & { model: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DevupError('invalid_request', 'The request body must be a JSON object');
  }
  const parsed = openAIRequestSchemas[operation].safeParse(body);
  if (!parsed.success) throw invalidRequest('request', fieldErrorsOf(parsed.error.issues));
}
