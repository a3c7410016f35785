import crypto from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { DevupError } from '../errors.js';
import { bearerToken, matchesAdminKey } from './admin-key.js';
import { ApiRouter } from './api-router.js';
import { installErrorHandler } from './error-handler.js';
import { OpenApiRegistry } from './openapi.js';
import type { AppServices } from './services.js';

export const version = '0.1.0';

/** A feature area's routes: library, deployments, keys, usage, gateway, UI. */
export type RouteModule = (context: { app: FastifyInstance; router: ApiRouter; services: AppServices }) => void;

const routeModules: RouteModule[] = [];

/** Builds the app without listening; tests drive it in process, only `serve` opens a port. */
export async function createApp(services: AppServices): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: services.logger as FastifyBaseLogger,
    disableRequestLogging: true,
    bodyLimit: 16 * 1024 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
  });
  installErrorHandler(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.routeOptions.config.auth === 'admin' && !matchesAdminKey(bearerToken(request.headers), services.adminKey.hash)) {
      throw new DevupError('invalid_api_key', 'A valid admin key is required (Authorization: Bearer DEVUP_ADMIN_KEY)');
    }
  });

  const openapi = new OpenApiRegistry();
  const router = new ApiRouter(app, openapi);
  app.get('/api/openapi.json', () => openapi.document(version));
  app.get('/health', () => ({ status: 'ok', version }));
  for (const register of routeModules) register({ app, router, services });
  await app.ready();
  return app;
}
