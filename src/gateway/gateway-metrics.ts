import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { UsageRecord } from './usage/usage-recorder.js';

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const overheadBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];

/** The metric children of one deployment, resolved once so the hot path does no label hashing. */
interface DeploymentMetrics {
  latency: ReturnType<Histogram['labels']>;
  ttft: ReturnType<Histogram['labels']>;
  promptTokens: ReturnType<Counter['labels']>;
  completionTokens: ReturnType<Counter['labels']>;
  inFlight: ReturnType<Gauge['labels']>;
  requestsByStatus: Map<number, ReturnType<Counter['labels']>>;
}

/**
 * Prometheus metrics of the gateway in a registry of its own (so that two apps in one process,
 * as in tests, do not collide), rendered at `GET /metrics`.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'devup_requests_total',
    help: 'Requests answered on /v1, by deployment and HTTP status',
    labelNames: ['deployment', 'status'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'devup_request_duration_seconds',
    help: 'Time from request to the last byte, by deployment',
    labelNames: ['deployment'],
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  private readonly ttft = new Histogram({
    name: 'devup_time_to_first_token_seconds',
    help: 'Time from request to the first streamed chunk, by deployment',
    labelNames: ['deployment'],
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: 'devup_tokens_total',
    help: 'Tokens by deployment and type (prompt, completion)',
    labelNames: ['deployment', 'type'],
    registers: [this.registry],
  });
  private readonly inFlight = new Gauge({
    name: 'devup_requests_in_flight',
    help: 'Requests being answered, by deployment',
    labelNames: ['deployment'],
    registers: [this.registry],
  });
  private readonly upstreamErrors = new Counter({
    name: 'devup_upstream_errors_total',
    help: 'Failed upstream attempts, by deployment, target and error code',
    labelNames: ['deployment', 'target', 'code'],
    registers: [this.registry],
  });
  private readonly overhead = new Histogram({
    name: 'devup_gateway_overhead_seconds',
    help: "The gateway's own time per request (total minus time waiting on the upstream)",
    buckets: overheadBuckets,
    registers: [this.registry],
  });
  private readonly byDeployment = new Map<string, DeploymentMetrics>();

  constructor(options: { processMetrics: boolean } = { processMetrics: true }) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'devup_' });
  }

  forDeployment(deployment: string): DeploymentMetrics {
    let metrics = this.byDeployment.get(deployment);
    if (!metrics) {
      metrics = {
        latency: this.latency.labels(deployment),
        ttft: this.ttft.labels(deployment),
        promptTokens: this.tokens.labels(deployment, 'prompt'),
        completionTokens: this.tokens.labels(deployment, 'completion'),
        inFlight: this.inFlight.labels(deployment),
        requestsByStatus: new Map(),
      };
      this.byDeployment.set(deployment, metrics);
    }
    return metrics;
  }

  /** Counts one answered request from its usage record (times in milliseconds). */
  observe(deployment: string, record: UsageRecord): void {
    const metrics = this.forDeployment(deployment);
    let requests = metrics.requestsByStatus.get(record.status);
    if (!requests) {
      requests = this.requests.labels(deployment, String(record.status));
      metrics.requestsByStatus.set(record.status, requests);
    }
    requests.inc();
    metrics.latency.observe(record.latency_ms / 1000);
    if (record.ttft_ms != null) metrics.ttft.observe(record.ttft_ms / 1000);
    if (record.prompt_tokens > 0) metrics.promptTokens.inc(record.prompt_tokens);
    if (record.completion_tokens > 0) metrics.completionTokens.inc(record.completion_tokens);
    this.overhead.observe(record.overhead_ms / 1000);
  }

  upstreamError(deployment: string, target: string, code: string): void {
    this.upstreamErrors.labels(deployment, target, code).inc();
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
