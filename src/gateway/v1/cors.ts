import type { FastifyReply, FastifyRequest } from 'fastify';

const allowedHeaders = 'authorization, content-type, x-api-key, anthropic-version, anthropic-beta, openai-beta, x-request-id';
const exposedHeaders = 'x-request-id, x-devup-overhead-ms, retry-after';

/**
 * CORS for browser clients of `/v1`, off unless origins are configured (`*` allows any). Headers
 * go on the raw response so that answers the handler writes itself (streams) carry them too.
 */
export class Cors {
  private readonly anyOrigin: boolean;
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.anyOrigin = origins.includes('*');
    this.origins = new Set(origins);
  }

  get enabled(): boolean {
    return this.anyOrigin || this.origins.size > 0;
  }

  /** Adds the allow headers when the request's origin is allowed; returns whether it was. */
  allow(request: FastifyRequest, reply: FastifyReply): boolean {
    const origin = request.headers.origin;
    if (origin === undefined || !(this.anyOrigin || this.origins.has(origin))) return false;
    reply.raw.setHeader('access-control-allow-origin', this.anyOrigin ? '*' : origin);
    reply.raw.setHeader('access-control-expose-headers', exposedHeaders);
    if (!this.anyOrigin) reply.raw.setHeader('vary', 'origin');
    return true;
  }

  /** Answers a preflight: 204 with what may be sent, or 403 for an origin that is not allowed. */
  preflight(request: FastifyRequest, reply: FastifyReply): void {
    if (!this.allow(request, reply)) {
      reply.code(403).send();
      return;
    }
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, OPTIONS')
      .header('access-control-allow-headers', allowedHeaders)
      .header('access-control-max-age', '600')
      .send();
  }
}
