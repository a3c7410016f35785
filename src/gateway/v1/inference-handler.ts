import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { DeploymentRegistry, RoutableDeployment } from '../deployment-registry.js';
import { DevupError, errorTable } from '../../errors.js';
import type { Operation, Usage } from '../../providers/provider.js';
import { bearerToken } from '../../http/bearer-token.js';
import type { GatewayServices } from '../gateway-services.js';
import { mayUse, type ApiKey } from '../keys/api-key.js';
import { clientGoneError, type Exchange, type Routed, type Router } from '../routing/router.js';
import { checkRequestBody } from './request-body.js';
import { forwardStream } from './stream-forwarder.js';

/** What is known of one request as it goes; becomes its usage record, metrics and log line. */
interface RequestState {
  operation: Operation;
  startedAt: number;
  key: ApiKey | undefined;
  deployment: RoutableDeployment | undefined;
  routed: Routed | undefined;
  stream: boolean;
  upstreamMs: number;
  ttftMs: number | null;
  overheadMs: number;
  usage: Usage | undefined;
}

/**
 * The `/v1` inference path: key → body → deployment and scope → limits → router → answer
 * (JSON, or SSE forwarded chunk by chunk) → usage record, metrics and one log line.
 * Nothing here touches the database; records are buffered and written in batches.
 */
export class InferenceHandler {
  /** Request lines hold ids and numbers only; skipping the root logger's redaction halves their cost. */
  private readonly requestLog: Logger;

  constructor(
    private readonly gateway: GatewayServices,
    private readonly registry: DeploymentRegistry,
    private readonly router: Router,
    private readonly logger: Logger,
    private readonly logPrompts: boolean,
  ) {
    this.requestLog = logger.child({}, { redact: [] });
  }

  async handle(operation: Operation, request: FastifyRequest, reply: FastifyReply, startedAt: number): Promise<void> {
    const state: RequestState = {
      operation,
      startedAt,
      key: undefined,
      deployment: undefined,
      routed: undefined,
      stream: false,
      upstreamMs: 0,
      ttftMs: null,
      overheadMs: 0,
      usage: undefined,
    };
    const exchange: Exchange = { controller: undefined, clientGone: false };
    const response = reply.raw;
    const socket = request.raw.socket;
    const onGone = () => {
      if (!response.writableFinished && !exchange.clientGone) {
        exchange.clientGone = true;
        exchange.controller?.abort();
      }
    };
    // 'close' fires only when a write to a half-closed socket fails; the socket's 'end' says at once that the client left.
    response.on('close', onGone);
    socket.on('end', onGone);
    try {
      state.key = this.gateway.keys.authenticate(bearerToken(request.headers));
      const body = request.body;
      checkRequestBody(operation, body);
      state.deployment = this.resolve(state.key, body.model);
      this.gateway.metrics.forDeployment(state.deployment.name).inFlight.inc();
      if (state.key.limits) await this.gateway.limiter.admit(state.key);
      state.stream = body.stream === true;
      let clientWantsUsage = false;
      if (state.stream) {
        // Always ask for usage so that every stream is accounted; the chunk is dropped later if unasked.
        const options = body.stream_options as Record<string, unknown> | null | undefined;
        clientWantsUsage = options?.include_usage === true;
        body.stream_options = options ? { ...options, include_usage: true } : { include_usage: true };
      }
      if (this.logPrompts) this.logger.info({ reqId: request.id, prompt: body.messages ?? body.prompt ?? body.input }, 'prompt');

      const routeStart = performance.now();
      const routed = await this.router.route(state.deployment, operation, body, exchange);
      state.routed = routed;
      const answeredAt = performance.now();
      state.upstreamMs = answeredAt - routeStart;
      state.overheadMs = answeredAt - startedAt - state.upstreamMs;
      reply.hijack();
      if (routed.answer.kind === 'json') {
        state.usage = routed.answer.usage;
        const text = routed.answer.text ?? JSON.stringify(routed.answer.body);
        state.overheadMs = performance.now() - startedAt - state.upstreamMs;
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          'x-request-id': request.id,
          'x-devup-overhead-ms': state.overheadMs.toFixed(3),
        });
        response.end(text);
        this.complete(request, state, 200, null, false);
        return;
      }
      state.ttftMs = answeredAt - startedAt;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-request-id': request.id,
        'x-devup-overhead-ms': state.overheadMs.toFixed(3),
      });
      const outcome = await forwardStream(response, routed, exchange, clientWantsUsage, routed.target.target.timeouts.idleMs);
      state.usage = outcome.usage;
      if (exchange.clientGone) this.complete(request, state, errorTable.client_closed.status, 'client_closed', false);
      else this.complete(request, state, 200, outcome.error?.code ?? null, outcome.error !== undefined, outcome.error?.message);
    } catch (error) {
      const failure = exchange.clientGone
        ? clientGoneError()
        : DevupError.isInstance(error)
          ? error
          : new DevupError('internal_error', 'Internal server error', { cause: error });
      if (state.upstreamMs === 0) state.overheadMs = performance.now() - startedAt;
      this.complete(request, state, failure.status, failure.code, false, failure.status >= 500 ? failure.message : undefined);
      if (exchange.clientGone) return;
      reply.header('x-devup-overhead-ms', state.overheadMs.toFixed(3));
      throw failure;
    } finally {
      // The socket outlives this request (keep-alive); its listener must not.
      socket.off('end', onGone);
    }
  }

  private resolve(key: ApiKey, name: string): RoutableDeployment {
    const deployment = this.registry.get(name);
    if (!deployment) throw new DevupError('model_not_found', `The model '${name}' does not exist`, { param: 'model' });
    if (!mayUse(key, name)) throw new DevupError('permission_denied', `This key may not use the model '${name}'`, { param: 'model' });
    return deployment;
  }

  /** Usage record, limit counters, metrics and the request's one log line. */
  private complete(
    request: FastifyRequest,
    state: RequestState,
    status: number,
    errorCode: string | null,
    upstreamFailed: boolean,
    errorMessage?: string,
  ): void {
    const latencyMs = performance.now() - state.startedAt;
    const { key, deployment, routed, usage } = state;
    if (routed) this.router.finish(routed, upstreamFailed);
    const promptTokens = usage?.promptTokens ?? 0;
    const completionTokens = usage?.completionTokens ?? 0;
    // A fallback may be another model at another price: the deployment that answered sets the cost.
    const pricing = (routed?.deployment ?? deployment)?.pricing;
    const costUsd = pricing ? (promptTokens * pricing.inputPerMillion + completionTokens * pricing.outputPerMillion) / 1_000_000 : null;
    const deploymentName =
      deployment?.name ??
      ((request.body as { model?: unknown } | undefined)?.model === undefined
        ? ''
        : String((request.body as { model: unknown }).model).slice(0, 200));
    this.gateway.usage.record({
      request_id: request.id,
      at: Date.now(),
      key_id: key?.id ?? null,
      deployment: deploymentName,
      target_id: routed?.target.target.id ?? null,
      upstream_model: routed?.target.target.upstreamModel ?? null,
      operation: state.operation,
      stream: state.stream ? 1 : 0,
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      cost_usd: costUsd,
      status,
      error_code: errorCode,
      latency_ms: round(latencyMs),
      ttft_ms: state.ttftMs === null ? null : round(state.ttftMs),
      overhead_ms: round(state.overheadMs),
    });
    if (key && usage) this.gateway.limiter.account(key, promptTokens + completionTokens, costUsd);
    if (deployment) this.gateway.metrics.forDeployment(deployment.name).inFlight.dec();
    // Unknown model names stay out of metric labels: clients choose them, so they would be unbounded.
    this.gateway.metrics.observe(deployment?.name ?? '', status, latencyMs, state.ttftMs, state.overheadMs, promptTokens, completionTokens);
    this.requestLog.info(
      {
        reqId: request.id,
        key: key?.id ?? null,
        deployment: deploymentName,
        target: routed?.target.target.id,
        stream: state.stream,
        status,
        error: errorCode ?? undefined,
        errorMessage,
        promptTokens,
        completionTokens,
        latencyMs: round(latencyMs),
        ttftMs: state.ttftMs === null ? undefined : round(state.ttftMs),
        overheadMs: round(state.overheadMs),
      },
      'request',
    );
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
