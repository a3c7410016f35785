import type { FastifyError, FastifyInstance } from 'fastify';
import { DevupError } from '../errors.js';

/** The one place errors become HTTP answers, always in the OpenAI error shape. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | DevupError, request, reply) => {
    const devupError = toDevupError(error);
    if (devupError.status >= 500) request.log.error({ err: error }, devupError.message);
    if (devupError.retryAfterSeconds !== undefined) reply.header('retry-after', String(devupError.retryAfterSeconds));
    reply.code(devupError.status).send(devupError.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new DevupError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`);
    reply.code(error.status).send(error.toJSON());
  });
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
