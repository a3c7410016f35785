import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { bearerToken } from '../../http/bearer-token.js';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { RouteModule } from '../../http/route-module.js';
import type { DeploymentRegistry } from '../deployment-registry.js';
import type { GatewayServices } from '../gateway-services.js';
import type { Dialect } from '../dialects/dialect.js';
import { countTokensDialect, messagesDialect } from '../dialects/messages/messages-dialect.js';
import { openAIDialect } from '../dialects/openai/openai-dialect.js';
import { responsesDialect } from '../dialects/responses/responses-dialect.js';
import { mayUse, type ApiKey } from '../keys/api-key.js';
import { resolveDeployment } from '../resolve-deployment.js';
import { Router } from '../routing/router.js';
import { Cors } from './cors.js';
import { InferenceHandler } from './inference-handler.js';
import { parseJsonBody } from './json-body.js';
import { RequestFinisher } from './request-finisher.js';

/** Every inference route and the dialect it speaks; all of them run the one pipeline (InferenceHandler). */
const inferenceRoutes: Array<{ url: string; dialect: Dialect; summary: string }> = [
  { url: '/v1/chat/completions', dialect: openAIDialect('chat'), summary: 'OpenAI chat completions, whole or streamed (SSE)' },
  { url: '/v1/completions', dialect: openAIDialect('completion'), summary: 'OpenAI legacy completions, whole or streamed (SSE)' },
  { url: '/v1/embeddings', dialect: openAIDialect('embeddings'), summary: 'OpenAI embeddings' },
  {
    url: '/v1/responses',
    dialect: responsesDialect,
    summary: 'OpenAI Responses API (stateless: no previous_response_id), whole or streamed as typed events',
  },
  {
    url: '/v1/messages',
    dialect: messagesDialect,
    summary: 'Anthropic Messages API, whole or streamed as its events; Anthropic error shape',
  },
  {
    url: '/v1/messages/count_tokens',
    dialect: countTokensDialect,
    summary: 'Anthropic token counting, where the target can count (anthropic, embedded)',
  },
];

const modelParams = z.object({ id: z.string().describe('a deployment name') });

/** `/v1` (OpenAI's models, chat, completions, embeddings and responses; Anthropic's messages) and `GET /metrics` (admin key, public or off). */
export const v1Routes: RouteModule<{ gateway: GatewayServices; deployments: DeploymentRegistry; logger: Logger; config: Config }> = ({
  app,
  router: apiRouter,
  services,
}) => {
  const { gateway, deployments } = services;
  const router = new Router(deployments, gateway.health, gateway.metrics, gateway.policy);
  const finisher = new RequestFinisher(gateway, router, services.logger);
  const handler = new InferenceHandler(gateway, deployments, router, finisher, services.logger, services.config.logPrompts);
  const created = Math.floor(Date.now() / 1000);
  const modelEntry = (id: string) => ({ id, object: 'model', created, owned_by: 'devup' });

  const cors = new Cors(services.config.corsOrigins);

  void app.register(async (scope: FastifyInstance) => {
    // Set by the hook below before any handler runs (Fastify wants request decorations declared up front).
    scope.decorateRequest('apiKey', null as never);
    scope.decorateRequest('bodyText', '');
    // The key is checked as soon as the headers are in: a request without a valid one is refused
    // before its body is read, and the connection closed so the body is not read afterwards either.
    scope.addHook('onRequest', (request, reply, done) => {
      if (cors.enabled) cors.allow(request, reply);
      if (request.method === 'OPTIONS') return done();
      try {
        request.apiKey = gateway.keys.authenticate(bearerToken(request.headers));
        done();
      } catch (error) {
        reply.header('connection', 'close');
        done(error as Error);
      }
    });
    // Plain JSON.parse: the body is handed on to the upstream, never merged into objects of ours.
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
      try {
        request.bodyText = text as string;
        done(null, parseJsonBody(text as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    for (const { url, dialect, summary } of inferenceRoutes) {
      apiRouter.describe({ method: 'POST', url, summary, tags: ['v1'], auth: 'key', errorShape: dialect.errorShape, body: dialect.schema });
      // No per-request child logger (a few µs each): the handler writes one line with the request id itself.
      scope.post(
        url,
        { config: { requestLog: false, errorShape: dialect.errorShape }, childLoggerFactory: (logger) => logger },
        (request, reply) => handler.handle(dialect, request, reply, request.receivedAt),
      );
    }
    apiRouter.describe({ method: 'GET', url: '/v1/models', summary: 'The deployments this key may use', tags: ['v1'], auth: 'key' });
    apiRouter.describe({
      method: 'GET',
      url: '/v1/models/:id',
      summary: 'One deployment, if this key may use it',
      tags: ['v1'],
      auth: 'key',
      params: modelParams,
    });
    scope.get('/v1/models', { config: { requestLog: false } }, (request) => {
      const data = deployments
        .list()
        .filter((deployment) => mayUse(request.apiKey, deployment.name))
        .map((deployment) => modelEntry(deployment.name));
      return { object: 'list', data };
    });
    scope.get<{ Params: { '*': string } }>('/v1/models/*', { config: { requestLog: false } }, (request) => {
      return modelEntry(resolveDeployment(deployments, request.apiKey, request.params['*']).name);
    });
    if (cors.enabled) scope.options('/v1/*', { config: { requestLog: false } }, (request, reply) => cors.preflight(request, reply));
  });

  if (services.config.metrics === 'off') return;
  app.get(
    '/metrics',
    { config: { requestLog: false, auth: services.config.metrics === 'admin' ? 'admin' : 'public' } },
    async (_request, reply) => {
      reply.type(gateway.metrics.registry.contentType);
      return gateway.metrics.render();
    },
  );
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The `/v1` caller's key, checked when the headers arrived. */
    apiKey: ApiKey;
    /** The JSON body's text as received ('' for none). */
    bodyText: string;
  }
}
