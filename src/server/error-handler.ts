import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { DevupError } from '../errors.js';
import { anthropicErrorBody } from '../providers/anthropic/anthropic-errors.js';

/**
 * The one place errors become HTTP answers: in the OpenAI error shape, or in Anthropic's on the
 * routes that speak it (`config.errorShape`, the Messages API), so each client reads its own.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | DevupError, request, reply) => {
    const devupError = toDevupError(error);
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

function toDevupError(error: FastifyError | DevupError): DevupError {
  if (DevupError.isInstance(error)) return error;
  // Fastify's own client errors: malformed JSON, wrong content type, body too large.
  if (error.statusCode === 413) return new DevupError('payload_too_large', error.message);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new DevupError('invalid_request', error.message);
  }
  return new DevupError('internal_error', 'Internal server error', { cause: error });
}
