import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import type { ChangeBus, ChangeHandler } from './change-bus.js';

const channelPrefix = 'devup:change:';

interface Envelope {
  /** The publishing bus, so that a replica does not hear its own changes. */
  origin: string;
  change: unknown;
}

/**
 * Change notifications through Redis pub/sub, shared by every replica on one server. A
 * subscribed connection can do nothing else, so it has its own; ioredis reconnects it and
 * subscribes again, and handlers then get `null` (messages published meanwhile are lost).
 */
export class RedisChangeBus implements ChangeBus {
  private readonly origin = crypto.randomUUID();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Set<ChangeHandler>>();
  private connectedBefore = false;

  constructor(url: string) {
    this.publisher = new Redis(url, { maxRetriesPerRequest: 2 });
    this.subscriber = new Redis(url, { autoResubscribe: true });
    this.subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
    this.subscriber.on('ready', () => {
      if (this.connectedBefore) for (const handlers of this.handlers.values()) for (const handler of handlers) handler(null);
      this.connectedBefore = true;
    });
    // Connection errors are retried by ioredis; without a listener they would be thrown as unhandled.
    this.publisher.on('error', () => {});
    this.subscriber.on('error', () => {});
  }

  async publish(topic: string, change: unknown): Promise<void> {
    const envelope: Envelope = { origin: this.origin, change };
    await this.publisher.publish(channelPrefix + topic, JSON.stringify(envelope));
  }

  async subscribe(topic: string, handler: ChangeHandler): Promise<() => void> {
    let handlers = this.handlers.get(topic);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(topic, handlers);
      await this.subscriber.subscribe(channelPrefix + topic);
    }
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
    };
  }

  async ping(timeoutMs: number): Promise<void> {
    // A command sent while disconnected would wait in ioredis' offline queue: answer at once instead.
    if (this.publisher.status !== 'ready') throw new Error(`the Redis connection is ${this.publisher.status}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer PING within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.publisher.ping(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await Promise.all([this.publisher.quit(), this.subscriber.quit()]);
  }

  private deliver(channel: string, message: string): void {
    if (!channel.startsWith(channelPrefix)) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return; // Not ours: somebody else publishing on our channel.
    }
    if (envelope.origin === this.origin) return;
    for (const handler of this.handlers.get(channel.slice(channelPrefix.length)) ?? []) handler(envelope.change);
  }
}
