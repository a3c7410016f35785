import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { DeploymentRegistry } from '../deployment-registry.js';
import { DevupError } from '../../errors.js';
import type { Operation } from '../../providers/provider.js';
import type { GatewayServices } from '../gateway-services.js';
import { resolveDeployment } from '../resolve-deployment.js';
import { clientGoneError, type Router } from '../routing/router.js';
import { checkRequestBody } from './request-body.js';
import type { RequestFinisher } from './request-finisher.js';
import { RequestOutcome } from './request-outcome.js';
import { forwardStream } from './stream-forwarder.js';

/**
 * The OpenAI `/v1` inference path: key → body → deployment and scope → limits → router → answer
 * (JSON, or SSE forwarded chunk by chunk) → `finish` (usage record, limits, metrics, one log
 * line), everything recorded in one `RequestOutcome`. Nothing here touches the database.
 */
export class InferenceHandler {
  constructor(
    private readonly gateway: GatewayServices,
    private readonly registry: DeploymentRegistry,
    private readonly router: Router,
    private readonly finisher: RequestFinisher,
    private readonly logger: Logger,
    private readonly logPrompts: boolean,
  ) {}

  async handle(operation: Operation, request: FastifyRequest, reply: FastifyReply, startedAt: number): Promise<void> {
    const outcome = new RequestOutcome(request.id, operation, startedAt, request.body);
    const response = reply.raw;
    const socket = request.raw.socket;
    const onGone = () => {
      if (!response.writableFinished && !outcome.clientGone) {
        outcome.clientGone = true;
        outcome.controller?.abort();
      }
    };
    // 'close' fires only when a write to a half-closed socket fails; the socket's 'end' says at once that the client left.
    response.on('close', onGone);
    socket.on('end', onGone);
    try {
      const key = request.apiKey;
      outcome.key = key;
      const body = request.body;
      checkRequestBody(operation, body);
      const deployment = resolveDeployment(this.registry, key, body.model);
      outcome.deployment = deployment;
      this.gateway.metrics.forDeployment(deployment.name).inFlight.inc();
      if (key.limits) outcome.reservation = await this.gateway.limiter.admit(key, operation, body, deployment.pricing);
      outcome.stream = body.stream === true;
      if (this.logPrompts) this.logger.info({ reqId: request.id, prompt: body.messages ?? body.prompt ?? body.input }, 'prompt');

      const routeStart = performance.now();
      const routed = await this.router.route(deployment, operation, body, outcome);
      outcome.routed = routed;
      const answeredAt = performance.now();
      outcome.upstreamMs = answeredAt - routeStart;
      outcome.overheadMs = answeredAt - startedAt - outcome.upstreamMs;
      reply.hijack();
      const answer = routed.answer;
      if (answer.kind === 'json') {
        const text = answer.text ?? JSON.stringify(answer.body);
        outcome.overheadMs = performance.now() - startedAt - outcome.upstreamMs;
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          'x-request-id': request.id,
          'x-devup-overhead-ms': outcome.overheadMs.toFixed(3),
        });
        response.end(text);
      } else {
        outcome.ttftMs = answeredAt - startedAt;
        response.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          'x-request-id': request.id,
          'x-devup-overhead-ms': outcome.overheadMs.toFixed(3),
        });
        const streamError = await forwardStream(response, answer, outcome, routed.target.target.timeouts.idleMs);
        if (outcome.clientGone) outcome.fail(clientGoneError());
        else outcome.error = streamError;
      }
      this.finisher.finish(outcome);
    } catch (error) {
      const failure = outcome.clientGone
        ? clientGoneError()
        : DevupError.isInstance(error)
          ? error
          : new DevupError('internal_error', 'Internal server error', { cause: error });
      if (outcome.upstreamMs === 0) outcome.overheadMs = performance.now() - startedAt;
      outcome.fail(failure);
      this.finisher.finish(outcome);
      if (outcome.clientGone) return;
      reply.header('x-devup-overhead-ms', outcome.overheadMs.toFixed(3));
      throw failure;
    } finally {
      // The socket outlives this request (keep-alive); its listener must not.
      socket.off('end', onGone);
    }
  }
}
