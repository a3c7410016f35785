import type { Logger } from 'pino';
import type { GatewayServices } from '../gateway-services.js';
import type { Router } from '../routing/router.js';
import { costUsd } from '../usage/cost.js';
import type { RequestOutcome } from './request-outcome.js';

/**
 * Ends a `/v1` request, whatever route ran it and however it went: frees its target slot (and
 * tells the breaker about a stream that broke), writes its usage record, adds its tokens and
 * cost to the key's limits, counts it in the metrics and writes its one log line. Nothing here
 * waits: records and counters are written off the request path. Call it before the answer's last
 * byte is written: the record is journaled then, so an answer the client got is never lost.
 */
export class RequestFinisher {
  /** Request lines hold ids and numbers only; skipping the root logger's redaction halves their cost. */
  private readonly requestLog: Logger;

  constructor(
    private readonly gateway: GatewayServices,
    private readonly router: Router,
    logger: Logger,
  ) {
    this.requestLog = logger.child({}, { redact: [] });
  }

  finish(outcome: RequestOutcome): void {
    const latencyMs = performance.now() - outcome.startedAt;
    const { key, deployment, routed, error, status } = outcome;
    const brokeMidStream = outcome.brokeMidStream;
    if (routed) this.router.finish(routed, brokeMidStream);
    const usage = outcome.usage();
    const promptTokens = usage?.promptTokens ?? 0;
    const completionTokens = usage?.completionTokens ?? 0;
    // A fallback may be another model at another price: the deployment that answered sets the cost.
    const cost = costUsd(usage, (routed?.deployment ?? deployment)?.pricing);
    const deploymentName = outcome.deploymentName();
    const target = routed?.target.target;
    const errorCode = error?.code ?? null;
    const ttftMs = outcome.ttftMs === null ? null : round(outcome.ttftMs);
    const record = {
      request_id: outcome.requestId,
      at: Date.now(),
      key_id: key?.id ?? null,
      deployment: deploymentName,
      target_id: target?.id ?? null,
      upstream_model: target?.upstreamModel ?? null,
      operation: outcome.operation,
      stream: outcome.stream ? 1 : 0,
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      cost_usd: cost,
      status,
      error_code: errorCode,
      latency_ms: round(latencyMs),
      ttft_ms: ttftMs,
      overhead_ms: round(outcome.overheadMs),
      usage_estimated: usage?.estimated ? 1 : 0,
    };
    this.gateway.usage.record(record);
    if (outcome.reservation) this.gateway.limiter.settle(outcome.reservation, promptTokens + completionTokens, cost ?? 0);
    if (deployment) this.gateway.metrics.forDeployment(deployment.name).inFlight--;
    // Unknown model names stay out of metric labels: clients choose them, so they would be unbounded.
    this.gateway.metrics.observe(deployment?.name ?? '', record);
    this.requestLog.info(
      {
        reqId: outcome.requestId,
        operation: outcome.operation,
        key: record.key_id,
        deployment: deploymentName,
        target: target?.id,
        stream: outcome.stream,
        status,
        error: errorCode ?? undefined,
        // Client errors are the client's to read; upstream and server failures are ours to investigate.
        errorMessage: error && (brokeMidStream || status >= 500) ? error.message : undefined,
        promptTokens,
        completionTokens,
        latencyMs: record.latency_ms,
        ttftMs: ttftMs ?? undefined,
        overheadMs: record.overhead_ms,
      },
      'request',
    );
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
