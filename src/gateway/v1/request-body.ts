import { DevupError, type FieldError } from '../../errors.js';
import type { Operation } from '../../providers/provider.js';

/**
 * Checks the few fields the gateway itself needs; every other field goes to the upstream
 * untouched (the upstream validates what it knows). Lists every problem in one 400.
 */
export function checkRequestBody(operation: Operation, body: unknown): asserts body is Record<string, unknown> & { model: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DevupError('invalid_request', 'The request body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  if (typeof fields.model !== 'string' || fields.model.length === 0)
    errors.push({ path: 'model', message: 'must be a non-empty string (a deployment name)' });
  if (operation === 'chat' && (!Array.isArray(fields.messages) || fields.messages.length === 0)) {
    errors.push({ path: 'messages', message: 'must be a non-empty array of messages' });
  }
  if (operation === 'completion' && typeof fields.prompt !== 'string' && !Array.isArray(fields.prompt)) {
    errors.push({ path: 'prompt', message: 'must be a string or an array' });
  }
  if (operation === 'embeddings') {
    if (typeof fields.input !== 'string' && !Array.isArray(fields.input))
      errors.push({ path: 'input', message: 'must be a string or an array' });
    if (fields.stream !== undefined && fields.stream !== false) errors.push({ path: 'stream', message: 'embeddings cannot be streamed' });
  } else if (fields.stream !== undefined && fields.stream !== null && typeof fields.stream !== 'boolean') {
    errors.push({ path: 'stream', message: 'must be a boolean' });
  }
  if (
    fields.stream_options !== undefined &&
    fields.stream_options !== null &&
    (typeof fields.stream_options !== 'object' || Array.isArray(fields.stream_options))
  ) {
    errors.push({ path: 'stream_options', message: 'must be an object' });
  }
  if (errors.length > 0) {
    throw new DevupError('invalid_request', errors.map((error) => `${error.path}: ${error.message}`).join('; '), { fieldErrors: errors });
  }
}
