/**
 * Limit counters: in this process by default, in Redis when `config.redisUrl` is set so that every
 * gateway replica shares them. Counters belong to a *set* (one per API key) that is either known
 * here, with an epoch naming this life of it, or lost (never built, or forgotten by a Redis restarted
 * without persistence): a lost set is rebuilt from the store (`restore`) before it admits anything.
 * Every operation is atomic (one Lua script in Redis), so concurrent requests see each other's
 * reservations.
 *
 * @example
 *   const checks = [{ name: `rpm:${id}:${minute}`, limit: 60, amount: 1, ttlMs: 61_000 }, { name: `spend:${id}`, limit: 5, amount: 0.002 }];
 *   let result = await counters.reserve(`key:${id}`, checks);
 *   if (result.outcome === 'lost') { await counters.restore(`key:${id}`, valuesFromTheStore); result = await counters.reserve(…); }
 *   // … after the answer: actual instead of reserved
 *   await counters.settle(`key:${id}`, result.epoch, [{ name: `spend:${id}`, reserved: 0.002, actual: 0.0013 }]);
 */
export interface Counters {
  /**
   * Admits when every counter is below its limit, then adds every amount, in one step; otherwise
   * changes nothing and names the first counter at its limit.
   */
  reserve(set: string, checks: readonly LimitCheck[]): Promise<ReserveResult>;
  /**
   * Replaces what was reserved by what was used, on counters that still exist: `actual − reserved`
   * in the epoch of the reservation, `actual` when the set was rebuilt since (the rebuild read the
   * store before this request was recorded), nothing when the set is lost.
   */
  settle(set: string, epoch: string, adjustments: readonly Adjustment[]): Promise<void>;
  /** Sets a lost set's counters (rebuilt from the store) and marks it known; a set already known is left as it is. */
  restore(set: string, values: readonly CounterValue[]): Promise<void>;
  /** Marks a set lost, so that the next `reserve` asks for it to be rebuilt. */
  forget(set: string): Promise<void>;
  close(): Promise<void>;
}

export interface LimitCheck {
  name: string;
  /** The request is admitted while the counter is below this. */
  limit: number;
  /** What the request adds: 1 request, its tokens, its cost. */
  amount: number;
  /** Window counters expire this long after their first add; totals (spend) never do. */
  ttlMs?: number;
}

export type ReserveResult =
  | { outcome: 'reserved'; epoch: string }
  | { outcome: 'refused' /** Index of the check at its limit. */; index: number; used: number }
  | { outcome: 'lost' };

export interface Adjustment {
  name: string;
  reserved: number;
  actual: number;
}

export interface CounterValue {
  name: string;
  value: number;
  ttlMs?: number;
}
