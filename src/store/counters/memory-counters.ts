import type { Counters } from './counters.js';

interface Entry {
  value: number;
  /** Epoch ms; Infinity for counters without a window. */
  expiresAt: number;
}

/** Counters held in this process; expired windows are swept once a minute. */
export class MemoryCounters implements Counters {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  async add(name: string, amount: number, ttlMs?: number): Promise<number> {
    return this.addNow(name, amount, ttlMs);
  }

  async get(name: string): Promise<number> {
    const entry = this.live(name, Date.now());
    return entry ? entry.value : 0;
  }

  async setIfAbsent(name: string, value: number): Promise<void> {
    if (!this.live(name, Date.now())) this.entries.set(name, { value, expiresAt: Infinity });
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }

  private addNow(name: string, amount: number, ttlMs: number | undefined): number {
    const now = Date.now();
    const entry = this.live(name, now);
    if (entry) {
      entry.value += amount;
      return entry.value;
    }
    this.entries.set(name, { value: amount, expiresAt: ttlMs === undefined ? Infinity : now + ttlMs });
    return amount;
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
