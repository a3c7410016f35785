import type { Counters } from '../../store/counters/counters.js';

/**
 * Keys whose shared counters (Redis) missed something during an outage: requests counted on this
 * replica's own counters, settlements that failed, reservations that timed out (and may still
 * have run). Once Redis answers again every replica must
 * see what this one counted alone meanwhile, so each such key's shared set is forgotten (rebuilt
 * from the store, which has the records, on its next use anywhere): tried every second, and on
 * this replica before the key is admitted again. Its set on this replica's own counters is
 * forgotten too, so that a later outage starts it afresh from the store.
 */
export class StaleKeys {
  private readonly keys = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly shared: Counters,
    private readonly own: Counters | undefined,
  ) {}

  has(keyId: string): boolean {
    return this.keys.size > 0 && this.keys.has(keyId);
  }

  mark(keyId: string): void {
    this.keys.add(keyId);
    this.timer ??= setInterval(() => void this.recoverAll(), 1_000).unref();
  }

  /** Throws while Redis is still unreachable. */
  async recover(keyId: string): Promise<void> {
    await this.shared.forget(keyId);
    this.keys.delete(keyId);
    await this.own?.forget(keyId);
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async recoverAll(): Promise<void> {
    try {
      for (const keyId of this.keys) await this.recover(keyId);
    } catch {
      return; // Still unreachable: the next tick tries again.
    }
    if (this.keys.size === 0) this.close();
  }
}
