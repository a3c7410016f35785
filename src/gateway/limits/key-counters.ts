import { DevupError } from '../../errors.js';
import type { Counters, CounterValue, LimitCheck } from '../../store/counters/counters.js';
import type { Store } from '../../store/database.js';
import type { KeyLimits } from '../keys/api-key.js';
import { recordedUsage } from './recorded-usage.js';

export const minuteMs = 60_000;

/** Counter names of one key; a window's counters carry its minute. */
export const counterNames = {
  requests: (keyId: string, minute: number) => `rpm:${keyId}:${minute}`,
  tokens: (keyId: string, minute: number) => `tpm:${keyId}:${minute}`,
  spend: (keyId: string) => `spend:${keyId}`,
};

/** A window's counters live until a second after the minute ends. */
export function windowTtlMs(minute: number, now: number): number {
  return (minute + 1) * minuteMs - now + 1_000;
}

/**
 * One key's counters in one `Counters`, rebuilt from the usage records whenever they are lost
 * (first use in this process, or Redis restarted without them): the key's recorded spend, and the
 * current minute's recorded requests and tokens. Concurrent requests of a key share one rebuild.
 */
export class KeyCounters {
  private readonly rebuilding = new Map<string, Promise<void>>();

  constructor(
    readonly counters: Counters,
    private readonly store: Store,
  ) {}

  /** Reserves `checks` for the key's set, rebuilding it first when it is lost. Counter failures are thrown as they are. */
  async reserve(keyId: string, limits: KeyLimits, checks: readonly LimitCheck[], minute: number) {
    for (let attempt = 1; ; attempt++) {
      const result = await this.counters.reserve(keyId, checks);
      if (result.outcome !== 'lost') return result;
      // Lost again right after a rebuild: something keeps emptying the counters.
      if (attempt === 3)
        throw new DevupError('unavailable', 'The limit counters keep losing their state; try again shortly', { retryAfterSeconds: 2 });
      await this.rebuild(keyId, limits, minute);
    }
  }

  private rebuild(keyId: string, limits: KeyLimits, minute: number): Promise<void> {
    let running = this.rebuilding.get(keyId);
    if (!running) {
      running = this.readAndRestore(keyId, limits, minute).finally(() => this.rebuilding.delete(keyId));
      this.rebuilding.set(keyId, running);
    }
    return running;
  }

  private async readAndRestore(keyId: string, limits: KeyLimits, minute: number): Promise<void> {
    const used = await recordedUsage(this.store, keyId, minute * minuteMs).catch((error: unknown) => {
      throw new DevupError(
        'unavailable',
        'The usage store is unreachable, so the limits of this key cannot be checked; try again shortly',
        {
          retryAfterSeconds: 2,
          cause: error,
        },
      );
    });
    const ttlMs = windowTtlMs(minute, Date.now());
    const values: CounterValue[] = [];
    if (limits.requestsPerMinute !== undefined) values.push({ name: counterNames.requests(keyId, minute), value: used.requests, ttlMs });
    if (limits.tokensPerMinute !== undefined) values.push({ name: counterNames.tokens(keyId, minute), value: used.tokens, ttlMs });
    if (limits.budgetUsd !== undefined) values.push({ name: counterNames.spend(keyId), value: used.spentUsd });
    await this.counters.restore(keyId, values);
  }
}
