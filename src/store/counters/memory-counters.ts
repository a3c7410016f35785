import crypto from 'node:crypto';
import type { Adjustment, CounterValue, Counters, LimitCheck, ReserveResult } from './counters.js';

interface Entry {
  value: number;
  /** Epoch ms; Infinity for counters without a window. */
  expiresAt: number;
}

/**
 * Counters held in this process, with the semantics of the Redis ones: each operation runs
 * without a pause, which is what makes it atomic here. Expired windows are swept once a minute.
 */
export class MemoryCounters implements Counters {
  private readonly entries = new Map<string, Entry>();
  /** Known sets and their epochs. */
  private readonly epochs = new Map<string, string>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  async reserve(set: string, checks: readonly LimitCheck[]): Promise<ReserveResult> {
    const epoch = this.epochs.get(set);
    if (epoch === undefined) return { outcome: 'lost' };
    const now = Date.now();
    for (let index = 0; index < checks.length; index++) {
      const used = this.live(checks[index].name, now)?.value ?? 0;
      if (used >= checks[index].limit) return { outcome: 'refused', index, used };
    }
    for (const check of checks) if (check.amount !== 0) this.add(check.name, check.amount, check.ttlMs, now);
    return { outcome: 'reserved', epoch };
  }

  async settle(set: string, epoch: string, adjustments: readonly Adjustment[]): Promise<void> {
    const current = this.epochs.get(set);
    if (current === undefined) return;
    const now = Date.now();
    for (const { name, reserved, actual } of adjustments) {
      const entry = this.live(name, now);
      if (entry) entry.value += current === epoch ? actual - reserved : actual;
    }
  }

  async restore(set: string, values: readonly CounterValue[]): Promise<void> {
    if (this.epochs.has(set)) return;
    const now = Date.now();
    for (const { name, value, ttlMs } of values) this.entries.set(name, { value, expiresAt: ttlMs === undefined ? Infinity : now + ttlMs });
    this.epochs.set(set, crypto.randomUUID());
  }

  async forget(set: string): Promise<void> {
    this.epochs.delete(set);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
    this.epochs.clear();
  }

  private add(name: string, amount: number, ttlMs: number | undefined, now: number): void {
    const entry = this.live(name, now);
    if (entry) entry.value += amount;
    else this.entries.set(name, { value: amount, expiresAt: ttlMs === undefined ? Infinity : now + ttlMs });
  }

  private live(name: string, now: number): Entry | undefined {
    const entry = this.entries.get(name);
    if (entry && entry.expiresAt <= now) {
      this.entries.delete(name);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [name, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(name);
  }
}
