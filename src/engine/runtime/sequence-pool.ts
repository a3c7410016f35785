import { DevupError } from '../../errors.js';

/** A slot on loan; `release` hands it to the next waiter (FIFO) or back to the pool. */
export interface PoolLease<Slot> {
  slot: Slot;
  release(): void;
}

interface Waiter<Slot> {
  resolve(lease: PoolLease<Slot>): void;
  reject(error: unknown): void;
  signal: AbortSignal;
  onAbort(): void;
}

/**
 * A fixed set of slots (the context's parallel sequences) with a bounded FIFO queue in front.
 * When every slot is busy and the queue is full, `acquire` throws `overloaded` (503 with
 * Retry-After) at once instead of letting the request hang; a waiter whose signal aborts leaves
 * the queue at once.
 *
 * @example
 *   const lease = await pool.acquire(request.signal);
 *   try { await decode(lease.slot); } finally { lease.release(); }
 */
export class SequencePool<Slot> {
  private readonly free: Slot[];
  private readonly waiters: Waiter<Slot>[] = [];
  readonly size: number;

  constructor(
    slots: Slot[],
    private readonly queueLimit: number,
    private readonly retryAfterSeconds = 1,
  ) {
    this.free = [...slots];
    this.size = slots.length;
  }

  get busy(): number {
    return this.size - this.free.length;
  }
  get queued(): number {
    return this.waiters.length;
  }

  acquire(signal: AbortSignal): Promise<PoolLease<Slot>> {
    signal.throwIfAborted();
    const slot = this.free.shift();
    if (slot !== undefined) return Promise.resolve(this.lease(slot));
    if (this.waiters.length >= this.queueLimit) {
      return Promise.reject(
        new DevupError(
          'overloaded',
          `The embedded engine is busy: ${this.size} requests decoding and ${this.waiters.length} waiting; try again shortly`,
          {
            retryAfterSeconds: this.retryAfterSeconds,
          },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter<Slot> = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Rejects every waiter (the engine is unloading). */
  drain(reason: unknown): void {
    for (const waiter of this.waiters.splice(0)) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.reject(reason);
    }
  }

  private lease(slot: Slot): PoolLease<Slot> {
    let released = false;
    return {
      slot,
      release: () => {
        if (released) return;
        released = true;
        const waiter = this.waiters.shift();
        if (!waiter) {
          this.free.push(slot);
          return;
        }
        waiter.signal.removeEventListener('abort', waiter.onAbort);
        waiter.resolve(this.lease(slot));
      },
    };
  }
}
