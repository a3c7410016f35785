import { EventEmitter } from 'node:events';
import type { ChangeBus, ChangeHandler } from './change-bus.js';

/**
 * Change notifications between buses of one process. With the default private hub (one
 * replica) there is nobody else to hear them; buses built on a shared hub act as replicas of
 * each other, as RedisChangeBus instances pointing at one server do.
 */
export class MemoryChangeBus implements ChangeBus {
  private readonly unsubscribers = new Set<() => void>();

  constructor(private readonly hub: EventEmitter = new EventEmitter()) {
    hub.setMaxListeners(0);
  }

  async publish(topic: string, change: unknown): Promise<void> {
    // Delivered on a later tick, as a network bus would, and through a copy: nothing shared by reference.
    const copy = structuredClone(change);
    setImmediate(() => this.hub.emit(topic, this, copy));
  }

  /** In process: nothing to reach. */
  async ping(): Promise<void> {}

  async subscribe(topic: string, handler: ChangeHandler): Promise<() => void> {
    const listener = (origin: MemoryChangeBus, change: unknown) => {
      if (origin !== this) handler(change);
    };
    this.hub.on(topic, listener);
    const unsubscribe = () => {
      this.hub.off(topic, listener);
      this.unsubscribers.delete(unsubscribe);
    };
    this.unsubscribers.add(unsubscribe);
    return unsubscribe;
  }

  async close(): Promise<void> {
    for (const unsubscribe of [...this.unsubscribers]) unsubscribe();
  }
}
