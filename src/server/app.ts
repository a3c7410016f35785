import crypto from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { DevupError } from '../errors.js';
import { bearerToken } from '../http/bearer-token.js';
import type { RouteModule } from '../http/route-module.js';
import { matchesAdminKey } from './admin-key.js';
import { redactUrl } from '../redact-url.js';
import { ApiRouter } from '../http/api-router.js';
import { installErrorHandler } from './error-handler.js';
import { OpenApiRegistry } from '../http/openapi.js';
import type { AppServices } from './services.js';
import { readinessRoutes } from './readiness-routes.js';
import { staticUiRoutes } from './static-ui.js';
import { planRoutes } from '../deploy/planner/plan-routes.js';
import { deploymentRoutes } from '../deploy/deployment-routes.js';
import { libraryRoutes } from '../library/library-routes.js';
import { keyRoutes } from '../gateway/keys/key-routes.js';
import { usageRoutes } from '../gateway/usage/usage-routes.js';
import { v1Routes } from '../gateway/v1/v1-routes.js';

export const version = '0.1.0';

// Request ids: a random per-process prefix and a counter, unique across restarts and replicas and
// cheaper than a UUID per request. Always the gateway's own: a usage record is stored once per id
// (a journal replay after a crash must not store it twice), so a client may not choose it.
const requestIdPrefix = crypto.randomBytes(8).toString('hex');
let requestSequence = 0;
const nextRequestId = () => `${requestIdPrefix}-${(++requestSequence).toString(36)}`;

// staticUiRoutes stays last: its GET /* is the web UI's fallback for every path the API does not own.
const routeModules: RouteModule<AppServices>[] = [
  libraryRoutes,
  keyRoutes,
  usageRoutes,
  v1Routes,
  readinessRoutes,
  planRoutes,
  deploymentRoutes,
  staticUiRoutes(),
];

/** Builds the app without listening; tests drive it in process, only `serve` opens a port. */
export async function createApp(services: AppServices): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: services.logger as FastifyBaseLogger,
    // Fastify's two lines per request are off; the hook below writes one line per request instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: services.config.maxBodyBytes,
    // A client has this long to send its whole request; a stalled body does not hold its socket.
    // (Node honours these only when the server is constructed, hence `http` as well.)
    requestTimeout: services.config.requestTimeoutMs,
    http: {
      requestTimeout: services.config.requestTimeoutMs,
      headersTimeout: Math.min(services.config.requestTimeoutMs, 60_000),
      connectionsCheckingInterval: Math.min(services.config.requestTimeoutMs / 2, 30_000),
    },
    // Ids and deployment names run to 128 characters (Fastify's default stops path parameters at 100).
    routerOptions: { maxParamLength: 256 },
    // While draining for shutdown, a request already on an open connection is served (and its usage
    // recorded) with `Connection: close`, instead of a bare 503 outside the OpenAI error shape.
    return503OnClosing: false,
    requestIdHeader: false,
    genReqId: nextRequestId,
  });
  installErrorHandler(app, services.store);
  app.decorateRequest('receivedAt', 0);
  // A callback hook, not an async one: it runs on every request, including the /v1 hot path.
  app.addHook('onRequest', (request, reply, done) => {
    request.receivedAt = performance.now();
    reply.header('x-request-id', request.id);
    if (request.routeOptions.config.auth === 'admin' && !matchesAdminKey(bearerToken(request.headers), services.adminKey.hash)) {
      done(new DevupError('invalid_api_key', 'A valid admin key is required (Authorization: Bearer DEVUP_ADMIN_KEY)'));
      return;
    }
    done();
  });
  // One structured line per request with its id; /v1 routes log a richer line of their own. A
  // credential in the query string (`?api_key=`) is not written to the log.
  app.addHook('onResponse', (request, reply, done) => {
    if (request.routeOptions.config.requestLog !== false) {
      request.log.info(
        {
          method: request.method,
          url: redactUrl(request.url),
          status: reply.statusCode,
          ms: Math.round((performance.now() - request.receivedAt) * 1000) / 1000,
        },
        'request',
      );
    }
    done();
  });

  const openapi = new OpenApiRegistry();
  const router = new ApiRouter(app, openapi);
  app.get('/api/openapi.json', () => openapi.document(version));
  // Liveness: the process answers. Readiness (store, Redis, deployments) is GET /ready.
  app.get('/health', () => ({ status: 'ok', version }));
  for (const register of routeModules) register({ app, router, services });
  await app.ready();
  return app;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** `performance.now()` when the request arrived, for latency and overhead. */
    receivedAt: number;
  }
  interface FastifyContextConfig {
    /** false: the route writes its own log line (the /v1 routes), so the generic one is skipped. */
    requestLog?: boolean;
  }
}
