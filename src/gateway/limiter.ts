import type { Logger } from 'pino';
import { DevupError } from '../errors.js';
import type { Store } from '../store/database.js';
import type { Counters } from '../store/counters/counters.js';
import type { ApiKey } from './keys/api-key.js';

const minuteMs = 60_000;

/**
 * Per-key limits over the counters (in process, or Redis shared by replicas): requests and
 * tokens per minute in fixed one-minute windows, and a lifetime USD budget.
 * Keys without limits cost nothing here.
 *
 * @example
 *   await limiter.admit(key);             // throws rate_limited / quota_exceeded (429)
 *   limiter.account(key, 120, 0.0003);    // after the answer, off the request path
 */
export class Limiter {
  constructor(
    private readonly counters: Counters,
    private readonly logger: Logger,
  ) {}

  async admit(key: ApiKey): Promise<void> {
    const limits = key.limits;
    if (!limits || key.id === null) return;
    const now = Date.now();
    const window = Math.floor(now / minuteMs);
    const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * minuteMs - now) / 1000));
    const [requests, tokens, spend] = await Promise.all([
      limits.requestsPerMinute === undefined ? 0 : this.counters.add(`rpm:${key.id}:${window}`, 1, minuteMs + 1_000),
      limits.tokensPerMinute === undefined ? 0 : this.counters.get(`tpm:${key.id}:${window}`),
      limits.budgetUsd === undefined ? 0 : this.counters.get(`spend:${key.id}`),
    ]);
    if (limits.budgetUsd !== undefined && spend >= limits.budgetUsd) {
      throw new DevupError('quota_exceeded', `This key has used its budget of $${limits.budgetUsd} ($${spend.toFixed(6)} spent)`);
    }
    if (limits.requestsPerMinute !== undefined && requests > limits.requestsPerMinute) {
      throw new DevupError('rate_limited', `Rate limit reached: ${limits.requestsPerMinute} requests per minute for this key`, {
        retryAfterSeconds,
      });
    }
    if (limits.tokensPerMinute !== undefined && tokens >= limits.tokensPerMinute) {
      throw new DevupError('rate_limited', `Rate limit reached: ${limits.tokensPerMinute} tokens per minute for this key`, {
        retryAfterSeconds,
      });
    }
  }

  /** Adds a request's tokens and cost to the key's counters; failures are logged, never thrown. */
  account(key: ApiKey, tokens: number, costUsd: number | null): void {
    const limits = key.limits;
    if (!limits || key.id === null) return;
    const window = Math.floor(Date.now() / minuteMs);
    if (limits.tokensPerMinute !== undefined && tokens > 0) {
      this.counters.add(`tpm:${key.id}:${window}`, tokens, minuteMs + 1_000).catch((error) => this.failed(error));
    }
    if (limits.budgetUsd !== undefined && costUsd) {
      this.counters.add(`spend:${key.id}`, costUsd).catch((error) => this.failed(error));
    }
  }

  /** Seeds each budget's spend counter from the usage records (a fresh process or Redis starts at the true total). */
  async seedBudgets(store: Store, keys: ApiKey[]): Promise<void> {
    const ids = keys.map((key) => key.id).filter((id): id is string => id !== null);
    if (ids.length === 0) return;
    const rows = await store.db
      .selectFrom('usage_records')
      .select(['key_id', (expression) => expression.fn.sum<number>('cost_usd').as('spent')])
      .where('key_id', 'in', ids)
      .groupBy('key_id')
      .execute();
    const spent = new Map(rows.map((row) => [row.key_id, Number(row.spent ?? 0)]));
    await Promise.all(ids.map((id) => this.counters.setIfAbsent(`spend:${id}`, spent.get(id) ?? 0)));
  }

  private failed(error: unknown): void {
    this.logger.warn({ err: error }, 'updating limit counters failed');
  }
}
