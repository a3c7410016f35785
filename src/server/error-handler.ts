import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { DevupError } from '../errors.js';
import { anthropicErrorBody } from '../providers/anthropic/anthropic-errors.js';
import type { UnavailableTest } from '../store/store-unavailable.js';

/**
 * The one place errors become HTTP answers: in the OpenAI error shape, or in Anthropic's on the
 * routes that speak it (`config.errorShape`, the Messages API), so each client reads its own. An
 * error that says the store cannot be reached (`store.isUnavailable`, whichever route met it) is
 * `503 unavailable` with Retry-After: the client may try again, nothing is wrong with its request
 * or our code.
 */
export function installErrorHandler(app: FastifyInstance, store?: { isUnavailable: UnavailableTest }): void {
  app.setErrorHandler((error: FastifyError | DevupError, request, reply) => {
    const devupError = toDevupError(error, store?.isUnavailable);
    if (devupError.status >= 500) request.log.error({ err: error }, devupError.message);
    if (devupError.retryAfterSeconds !== undefined) reply.header('retry-after', String(devupError.retryAfterSeconds));
    reply.code(devupError.status).send(errorBody(devupError, request));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new DevupError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`);
    reply.code(error.status).send(error.toJSON());
  });
}

function errorBody(error: DevupError, request: FastifyRequest) {
  if (request.routeOptions.config.errorShape !== 'anthropic') return error.toJSON();
  return { ...anthropicErrorBody(error.status, error.message), request_id: request.id };
}

/** Seconds a client is told to wait when the store is unreachable (a restart or failover takes about that long). */
const storeRetryAfterSeconds = 5;

function toDevupError(error: FastifyError | DevupError, storeUnavailable: UnavailableTest = () => false): DevupError {
  if ((!DevupError.isInstance(error) || error.code === 'internal_error') && storeUnavailable(error)) {
    return new DevupError('unavailable', 'The database cannot be reached; try again shortly', {
      retryAfterSeconds: storeRetryAfterSeconds,
      cause: error,
    });
  }
  if (DevupError.isInstance(error)) return error;
  // Fastify's own client errors: malformed JSON, wrong content type, body too large.
  if (error.statusCode === 413) return new DevupError('payload_too_large', error.message);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new DevupError('invalid_request', error.message);
  }
  return new DevupError('internal_error', 'Internal server error', { cause: error });
}
