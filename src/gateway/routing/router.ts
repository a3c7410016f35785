import type { DeploymentRegistry, RoutableDeployment } from '../deployment-registry.js';
import { DevupError } from '../../errors.js';
import { UpstreamError, type JsonReply, type Operation, type StreamReply } from '../../providers/provider.js';
import type { GatewayMetrics } from '../gateway-metrics.js';
import { pickTarget } from './pick-target.js';
import type { RoutingPolicy } from './routing-policy.js';
import type { TargetHealth, TargetState } from './target-health.js';

/** One client request as the router sees it; the HTTP layer flips `clientGone` when the client leaves. */
export interface Exchange {
  /** The attempt in progress; aborted at once when the client disconnects. */
  controller: AbortController | undefined;
  clientGone: boolean;
}

export type Answer = JsonReply | StreamAnswer;

/** `first` was read before anything reached the client, so a failure before it could still be retried. */
export interface StreamAnswer {
  kind: 'stream';
  reply: StreamReply;
  first: IteratorResult<string>;
  rest: AsyncIterator<string>;
}

export interface Routed {
  answer: Answer;
  deployment: RoutableDeployment;
  target: TargetState;
  controller: AbortController;
}

/** Thrown when the client disconnected before an answer; nothing is written back. */
export const clientGoneError = () => new DevupError('client_closed', 'Client closed the request');

/**
 * Sends a request to a deployment: picks a target (weighted, least in flight, breaker closed),
 * retries connect errors, timeouts, 429 and 5xx with backoff (honouring Retry-After) on other
 * targets when there are, then tries the fallback deployments in order. Everything here
 * happens before the first byte reaches the client.
 */
export class Router {
  constructor(
    private readonly registry: DeploymentRegistry,
    private readonly health: TargetHealth,
    private readonly metrics: GatewayMetrics,
    private readonly policy: RoutingPolicy,
  ) {}

  /** `text` is the body's JSON text as the client sent it (see ProviderRequest); it is dropped once `model` is changed. */
  async route(
    requested: RoutableDeployment,
    operation: Operation,
    body: Record<string, unknown>,
    exchange: Exchange,
    text?: string,
  ): Promise<Routed> {
    let lastError: DevupError | undefined;
    for (const deployment of this.chain(requested)) {
      let tried: Set<string> | undefined;
      for (let attempt = 0; attempt < this.policy.maxAttempts; attempt++) {
        // Prefer targets not tried yet; when all were, any target still in rotation.
        const state =
          pickTarget(deployment.targets, this.health, tried) ??
          (tried ? pickTarget(deployment.targets, this.health, undefined) : undefined);
        if (!state) break;
        if (body.model !== state.target.upstreamModel) {
          body.model = state.target.upstreamModel;
          text = undefined;
        }
        try {
          const answer = await this.attempt(state, operation, body, text, exchange);
          return { answer, deployment, target: state, controller: exchange.controller as AbortController };
        } catch (error) {
          if (exchange.clientGone) throw clientGoneError();
          const upstreamError = asUpstreamError(error);
          if (!upstreamError) throw error;
          lastError = upstreamError;
          this.metrics.upstreamError(deployment.name, state.target.id, upstreamError.code);
          if (countsAgainstTarget(upstreamError)) this.health.failed(state);
          if (!upstreamError.retryable) throw upstreamError;
          if (attempt + 1 >= this.policy.maxAttempts) break;
          const delay = upstreamError.retryAfterMs ?? this.backoff(attempt);
          if (delay > this.policy.maxRetryDelayMs) break;
          (tried ??= new Set()).add(state.target.id);
          await sleep(delay);
          if (exchange.clientGone) throw clientGoneError();
        }
      }
    }
    throw (
      lastError ??
      new DevupError('unavailable', `No healthy target for '${requested.name}' or its fallbacks; try again shortly`, {
        retryAfterSeconds: 1,
      })
    );
  }

  /** Ends a routed request: frees its in-flight slot and tells the breaker how it went. */
  finish(routed: Routed, upstreamFailed: boolean): void {
    routed.target.inFlight -= 1;
    if (upstreamFailed) this.health.failed(routed.target);
    else this.health.succeeded(routed.target);
  }

  private async attempt(
    state: TargetState,
    operation: Operation,
    body: Record<string, unknown>,
    text: string | undefined,
    exchange: Exchange,
  ): Promise<Answer> {
    const controller = new AbortController();
    exchange.controller = controller;
    const { firstByteMs } = state.target.timeouts;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, firstByteMs);
    state.inFlight += 1;
    try {
      const reply = await state.target.provider.call({ operation, body, text, signal: controller.signal });
      if (reply.kind === 'json') return reply;
      const rest = reply.chunks[Symbol.asyncIterator]();
      return { kind: 'stream', reply, first: await rest.next(), rest };
    } catch (error) {
      state.inFlight -= 1;
      if (timedOut)
        throw new UpstreamError(`Target '${state.target.id}' sent nothing within ${firstByteMs} ms`, undefined, true, { timeout: true });
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private chain(requested: RoutableDeployment): RoutableDeployment[] {
    if (requested.fallbacks.length === 0) return [requested];
    const chain = [requested];
    for (const name of requested.fallbacks) {
      const fallback = this.registry.get(name);
      if (fallback && !chain.includes(fallback)) chain.push(fallback);
    }
    return chain;
  }

  private backoff(attempt: number): number {
    const base = this.policy.backoffMs * 2 ** attempt;
    return base / 2 + Math.random() * (base / 2);
  }
}

/** Provider failures the router may act on; anything else (a bug, a bad request) passes through. */
function asUpstreamError(error: unknown): UpstreamError | undefined {
  if (error instanceof UpstreamError) return error;
  if (DevupError.isInstance(error)) return undefined;
  // A provider that let a raw network error escape: treat it as a connect failure.
  return new UpstreamError(`Upstream request failed: ${(error as Error)?.message ?? String(error)}`, undefined, true, { cause: error });
}

/** Connect errors, timeouts and 5xx mean the target is unwell; 429 and 4xx do not. */
function countsAgainstTarget(error: UpstreamError): boolean {
  return error.upstreamStatus === undefined || error.upstreamStatus >= 500;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
