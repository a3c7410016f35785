/**
 * Numeric counters for rate limits and budgets: in this process by default, in Redis when
 * `config.redisUrl` is set so that every gateway replica shares them.
 *
 * @example
 *   const used = await counters.add(`rpm:${keyId}:${minute}`, 1, 60_000);
 *   if (used > limit) throw new DevupError('rate_limited', '…');
 */
export interface Counters {
  /** Adds `amount` (may be negative or fractional) and returns the new total. `ttlMs` makes the counter expire (windows). */
  add(name: string, amount: number, ttlMs?: number): Promise<number>;
  /** The current total, 0 when unset or expired. */
  get(name: string): Promise<number>;
  /** Sets the counter unless it already exists (seeding totals from the database at start). */
  setIfAbsent(name: string, value: number): Promise<void>;
  close(): Promise<void>;
}
