import type { FastifyInstance } from 'fastify';
import { DevupError } from '../../errors.js';
import type { Operation } from '../../providers/provider.js';
import { bearerToken } from '../../http/bearer-token.js';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { RouteModule } from '../../http/route-module.js';
import type { DeploymentRegistry } from '../deployment-registry.js';
import type { GatewayServices } from '../gateway-services.js';
import { mayUse } from '../keys/api-key.js';
import { resolveDeployment } from '../resolve-deployment.js';
import { Router } from '../routing/router.js';
import { InferenceHandler } from './inference-handler.js';
import { RequestFinisher } from './request-finisher.js';

const inferenceRoutes: Array<[string, Operation]> = [
  ['/v1/chat/completions', 'chat'],
  ['/v1/completions', 'completion'],
  ['/v1/embeddings', 'embeddings'],
];

/** `/v1` (OpenAI-compatible: models, chat, completions, embeddings) and `GET /metrics`. */
export const v1Routes: RouteModule<{ gateway: GatewayServices; deployments: DeploymentRegistry; logger: Logger; config: Config }> = ({
  app,
  services,
}) => {
  const { gateway, deployments } = services;
  const router = new Router(deployments, gateway.health, gateway.metrics, gateway.policy);
  const finisher = new RequestFinisher(gateway, router, services.logger);
  const handler = new InferenceHandler(gateway, deployments, router, finisher, services.logger, services.config.logPrompts);
  const created = Math.floor(Date.now() / 1000);
  const modelEntry = (id: string) => ({ id, object: 'model', created, owned_by: 'devup' });

  void app.register(async (scope: FastifyInstance) => {
    // Plain JSON.parse: the body is handed on to the upstream, never merged into objects of ours.
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
      try {
        done(null, JSON.parse(text as string));
      } catch (error) {
        done(new DevupError('invalid_request', `The request body is not valid JSON: ${(error as Error).message}`), undefined);
      }
    });
    for (const [url, operation] of inferenceRoutes) {
      // No per-request child logger (a few µs each): the handler writes one line with the request id itself.
      scope.post(url, { config: { requestLog: false }, childLoggerFactory: (logger) => logger }, (request, reply) =>
        handler.handle(operation, request, reply, request.receivedAt),
      );
    }
    scope.get('/v1/models', { config: { requestLog: false } }, (request) => {
      const key = gateway.keys.authenticate(bearerToken(request.headers));
      const data = deployments
        .list()
        .filter((deployment) => mayUse(key, deployment.name))
        .map((deployment) => modelEntry(deployment.name));
      return { object: 'list', data };
    });
    scope.get<{ Params: { '*': string } }>('/v1/models/*', { config: { requestLog: false } }, (request) => {
      const key = gateway.keys.authenticate(bearerToken(request.headers));
      return modelEntry(resolveDeployment(deployments, key, request.params['*']).name);
    });
  });

  app.get('/metrics', { config: { requestLog: false } }, async (_request, reply) => {
    reply.type(gateway.metrics.registry.contentType);
    return gateway.metrics.render();
  });
};
