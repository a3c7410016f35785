import type { Metric, Registry } from 'prom-client';

/** One label set's buckets: `counts[i]` observations fell in bucket `i` (the last one is +Inf). */
export class HistogramChild {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    private readonly upperBounds: readonly number[],
    readonly labels: Readonly<Record<string, string>>,
  ) {
    this.counts = new Float64Array(upperBounds.length + 1);
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  observe(value: number): void {
    let bucket = 0;
    while (bucket < this.upperBounds.length && value > this.upperBounds[bucket]) bucket++;
    this.counts[bucket]++;
    this.sum += value;
    this.count++;
  }
}

/**
 * A Prometheus histogram for the request path, registered in a prom-client `Registry` and rendered
 * exactly as prom-client's own (`_bucket` with `le` first, `_sum`, `_count`). prom-client's
 * Histogram validates and hashes the labels and builds a closure on every `observe`, bound
 * children included; here a child is resolved once and an observation is a few additions.
 *
 * @example
 *   const latency = new BucketHistogram({ name: 'x_seconds', help: '…', labelName: 'deployment', buckets: [0.1, 1], registry });
 *   const child = latency.child('chat'); // once
 *   child.observe(0.25); // per request
 */
export class BucketHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly labelName: string | undefined;
  private readonly upperBounds: readonly number[];
  private readonly children = new Map<string, HistogramChild>();

  constructor(options: { name: string; help: string; labelName?: string; buckets: readonly number[]; registry: Registry }) {
    this.name = options.name;
    this.help = options.help;
    this.labelName = options.labelName;
    this.upperBounds = [...options.buckets].sort((a, b) => a - b);
    // The registry only calls get(), reset() and reads name/help/type: the shape of its own metrics.
    options.registry.registerMetric(this as unknown as Metric);
  }

  /** The child of one label value (the histogram without labels: call it with none). */
  child(labelValue = ''): HistogramChild {
    let child = this.children.get(labelValue);
    if (!child) {
      child = new HistogramChild(this.upperBounds, this.labelName === undefined ? {} : { [this.labelName]: labelValue });
      this.children.set(labelValue, child);
    }
    return child;
  }

  /** Zeroes every child in place (callers hold on to their children). */
  reset(): void {
    for (const child of this.children.values()) child.reset();
  }

  async get() {
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    for (const child of this.children.values()) {
      // As prom-client: a label set shows once it was observed; the histogram without labels always.
      if (child.count === 0 && this.labelName !== undefined) continue;
      let cumulative = 0;
      this.upperBounds.forEach((upperBound, index) => {
        cumulative += child.counts[index];
        values.push({ labels: { le: upperBound, ...child.labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...child.labels }, value: child.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...child.labels }, value: child.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...child.labels }, value: child.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
