import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';

/** At most one warning this often, however many requests meet the outage. */
const warnEveryMs = 10_000;

type Event = 'admitted_locally' | 'refused' | 'settle_failed';

/**
 * Tells operators that the shared limit counters (Redis) are unreachable: the Prometheus counter
 * `devup_limit_counters_unreachable_total{outcome}` per request, and one warning per 10 s with
 * the counts since the last one.
 */
export class CounterOutage {
  private readonly total: Counter<'outcome'>;
  private readonly sinceWarning = new Map<Event, number>();
  private lastWarning = 0;

  constructor(
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.total = new Counter({
      name: 'devup_limit_counters_unreachable_total',
      help: 'Limit checks that found the shared counters (Redis) unreachable, by what happened: admitted_locally (on this replica), refused (503), settle_failed',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }

  report(event: Event, error: unknown): void {
    this.total.labels(event).inc();
    this.sinceWarning.set(event, (this.sinceWarning.get(event) ?? 0) + 1);
    const now = Date.now();
    if (now - this.lastWarning < warnEveryMs) return;
    this.lastWarning = now;
    const counts = Object.fromEntries(this.sinceWarning);
    this.sinceWarning.clear();
    this.logger.warn({ err: error, ...counts }, 'limit counters (Redis) unreachable; the outage policy applies');
  }
}
