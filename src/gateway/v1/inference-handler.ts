import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { DeploymentRegistry } from '../deployment-registry.js';
import { DevupError } from '../../errors.js';
import type { Dialect } from '../dialects/dialect.js';
import type { GatewayServices } from '../gateway-services.js';
import { resolveDeployment } from '../resolve-deployment.js';
import { clientGoneError, type Router } from '../routing/router.js';
import type { RequestFinisher } from './request-finisher.js';
import { RequestOutcome } from './request-outcome.js';
import { endStream, forwardStream } from './stream-forwarder.js';

/**
 * The `/v1` inference path of every dialect: key → body (read by the dialect into the internal
 * request) → deployment and scope → limits → router → answer (JSON, or SSE forwarded chunk by
 * chunk, in the dialect) → `finish` (usage record, limits, metrics, one log line), everything
 * recorded in one `RequestOutcome`. Nothing here touches the database.
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

  async handle(dialect: Dialect, request: FastifyRequest, reply: FastifyReply, startedAt: number): Promise<void> {
    const outcome = new RequestOutcome(request.id, dialect.recordAs, startedAt, request.body);
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
      const read = dialect.read(request.body);
      const { body } = read;
      const deployment = resolveDeployment(this.registry, key, read.model);
      outcome.deployment = deployment;
      this.gateway.metrics.forDeployment(deployment.name).inFlight++;
      if (key.limits) outcome.reservation = await this.gateway.limiter.admit(key, dialect.operation, body, deployment.pricing);
      outcome.stream = read.stream;
      if (this.logPrompts) this.logger.info({ reqId: request.id, prompt: body.messages ?? body.prompt ?? body.input }, 'prompt');

      const routeStart = performance.now();
      const routed = await this.router.route(deployment, dialect.operation, body, outcome, receivedText(request, body));
      outcome.routed = routed;
      const answeredAt = performance.now();
      outcome.upstreamMs = answeredAt - routeStart;
      outcome.overheadMs = answeredAt - startedAt - outcome.upstreamMs;
      reply.hijack();
      const answer = routed.answer;
      const context = { requestId: request.id, createdAt: Math.floor(Date.now() / 1000) };
      if (answer.kind === 'json') {
        const text = read.json(answer, context);
        outcome.overheadMs = performance.now() - startedAt - outcome.upstreamMs;
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          'x-request-id': request.id,
          'x-devup-overhead-ms': outcome.overheadMs.toFixed(3),
        });
        // Recorded (journaled) before the answer's last byte goes out: an answer the client got is never lost.
        this.finisher.finish(outcome);
        response.end(text);
      } else {
        outcome.ttftMs = answeredAt - startedAt;
        response.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          'x-request-id': request.id,
          'x-devup-overhead-ms': outcome.overheadMs.toFixed(3),
        });
        const encoder = read.encoder(context);
        const streamError = await forwardStream(response, answer, outcome, routed.target.target.timeouts.idleMs, encoder);
        if (outcome.clientGone) outcome.fail(clientGoneError());
        else outcome.error = streamError;
        // Recorded (journaled) before the stream's last events: an answer the client got is never lost.
        this.finisher.finish(outcome);
        if (outcome.clientGone) response.destroy();
        else endStream(response, answer, encoder, streamError);
      }
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

/**
 * The client's JSON text, when the dialect hands on the body it received: the upstream may get
 * these bytes rather than the object serialised again. Not when the text names `model` more than
 * once: the upstream might then read another model than the one the key was checked for. (The
 * search is for `model"`, which every `"model"` key holds: a pattern starting with a quote, frequent
 * in JSON, is searched several times slower. A text that also ends a string with the word is
 * serialised, as before.)
 */
function receivedText(request: FastifyRequest, body: Record<string, unknown>): string | undefined {
  const text = request.bodyText;
  if (body !== request.body || text === '') return undefined;
  const model = text.indexOf('model"');
  return model !== -1 && text.indexOf('model"', model + 6) === -1 ? text : undefined;
}
