import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { BucketHistogram, type HistogramChild } from './bucket-histogram.js';
import type { UsageRecord } from './usage/usage-recorder.js';

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const overheadBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];

/**
 * The metrics of one deployment, resolved once. The request path only adds to plain numbers:
 * prom-client validates and hashes labels on every update, bound children included, so its
 * counters and gauges are brought up to date when they are scraped (`collect`).
 */
interface DeploymentMetrics {
  latency: HistogramChild;
  ttft: HistogramChild;
  /** Tokens and requests not yet added to the prom-client counters. */
  promptTokens: number;
  completionTokens: number;
  requestsByStatus: Map<number, number>;
  inFlight: number;
}

/**
 * Prometheus metrics of the gateway in a registry of its own (so that two apps in one process,
 * as in tests, do not collide), rendered at `GET /metrics`.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly byDeployment = new Map<string, DeploymentMetrics>();
  private readonly requests = new Counter({
    name: 'devup_requests_total',
    help: 'Requests answered on /v1, by deployment and HTTP status',
    labelNames: ['deployment', 'status'],
    registers: [this.registry],
    collect: () => this.collect(),
  });
  private readonly latency = new BucketHistogram({
    name: 'devup_request_duration_seconds',
    help: 'Time from request to the last byte, by deployment',
    labelName: 'deployment',
    buckets: latencyBuckets,
    registry: this.registry,
  });
  private readonly ttft = new BucketHistogram({
    name: 'devup_time_to_first_token_seconds',
    help: 'Time from request to the first streamed chunk, by deployment',
    labelName: 'deployment',
    buckets: latencyBuckets,
    registry: this.registry,
  });
  private readonly tokens = new Counter({
    name: 'devup_tokens_total',
    help: 'Tokens by deployment and type (prompt, completion)',
    labelNames: ['deployment', 'type'],
    registers: [this.registry],
    collect: () => this.collect(),
  });
  private readonly inFlight = new Gauge({
    name: 'devup_requests_in_flight',
    help: 'Requests being answered, by deployment',
    labelNames: ['deployment'],
    registers: [this.registry],
    collect: () => this.collect(),
  });
  private readonly upstreamErrors = new Counter({
    name: 'devup_upstream_errors_total',
    help: 'Failed upstream attempts, by deployment, target and error code',
    labelNames: ['deployment', 'target', 'code'],
    registers: [this.registry],
  });
  private readonly overhead = new BucketHistogram({
    name: 'devup_gateway_overhead_seconds',
    help: "The gateway's own time per request (total minus time waiting on the upstream)",
    buckets: overheadBuckets,
    registry: this.registry,
  }).child();

  constructor(options: { processMetrics: boolean } = { processMetrics: true }) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'devup_' });
  }

  forDeployment(deployment: string): DeploymentMetrics {
    let metrics = this.byDeployment.get(deployment);
    if (!metrics) {
      metrics = {
        latency: this.latency.child(deployment),
        ttft: this.ttft.child(deployment),
        promptTokens: 0,
        completionTokens: 0,
        requestsByStatus: new Map(),
        inFlight: 0,
      };
      this.byDeployment.set(deployment, metrics);
    }
    return metrics;
  }

  /** Counts one answered request from its usage record (times in milliseconds). */
  observe(deployment: string, record: UsageRecord): void {
    const metrics = this.forDeployment(deployment);
    metrics.requestsByStatus.set(record.status, (metrics.requestsByStatus.get(record.status) ?? 0) + 1);
    metrics.latency.observe(record.latency_ms / 1000);
    if (record.ttft_ms != null) metrics.ttft.observe(record.ttft_ms / 1000);
    metrics.promptTokens += record.prompt_tokens;
    metrics.completionTokens += record.completion_tokens;
    this.overhead.observe(record.overhead_ms / 1000);
  }

  upstreamError(deployment: string, target: string, code: string): void {
    this.upstreamErrors.labels(deployment, target, code).inc();
  }

  /** Adds what the request path counted since the last scrape to the prom-client metrics. */
  private collect(): void {
    for (const [deployment, metrics] of this.byDeployment) {
      for (const [status, count] of metrics.requestsByStatus) this.requests.inc({ deployment, status: String(status) }, count);
      metrics.requestsByStatus.clear();
      if (metrics.promptTokens > 0) this.tokens.inc({ deployment, type: 'prompt' }, metrics.promptTokens);
      if (metrics.completionTokens > 0) this.tokens.inc({ deployment, type: 'completion' }, metrics.completionTokens);
      metrics.promptTokens = 0;
      metrics.completionTokens = 0;
      this.inFlight.set({ deployment }, metrics.inFlight);
    }
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
