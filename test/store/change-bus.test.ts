import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../support/redis-server.js';
import type { ChangeBus } from '../../src/store/change-bus/change-bus.js';
import { MemoryChangeBus } from '../../src/store/change-bus/memory-change-bus.js';
import { RedisChangeBus } from '../../src/store/change-bus/redis-change-bus.js';

let redis: Awaited<ReturnType<typeof startRedisServer>>;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

/** Two replicas' buses that can hear each other. */
const backends: Array<[string, () => [ChangeBus, ChangeBus]]> = [
  [
    'memory',
    () => {
      const hub = new EventEmitter();
      return [new MemoryChangeBus(hub), new MemoryChangeBus(hub)];
    },
  ],
  ['redis', () => [new RedisChangeBus(redis.url), new RedisChangeBus(redis.url)]],
];

function collect(bus: ChangeBus, topic: string): Promise<{ heard: unknown[]; unsubscribe: () => void }> {
  const heard: unknown[] = [];
  return bus.subscribe(topic, (change) => heard.push(change)).then((unsubscribe) => ({ heard, unsubscribe }));
}

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(backends)('change bus over %s', (_name, create) => {
  it('delivers a change to the other replica, in order, and not back to the publisher', async () => {
    const [first, second] = create();
    const atFirst = await collect(first, 'keys');
    const atSecond = await collect(second, 'keys');
    const otherTopic = await collect(second, 'deployments');
    await first.publish('keys', { id: 'key_1' });
    await first.publish('keys', { id: 'key_2' });
    await until(() => atSecond.heard.length === 2);
    expect(atSecond.heard).toEqual([{ id: 'key_1' }, { id: 'key_2' }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(atFirst.heard).toEqual([]);
    expect(otherTopic.heard).toEqual([]);
    await Promise.all([first.close(), second.close()]);
  });

  it('stops delivering to an unsubscribed handler', async () => {
    const [first, second] = create();
    const kept = await collect(second, 'deployments');
    const dropped = await collect(second, 'deployments');
    dropped.unsubscribe();
    await first.publish('deployments', { name: 'qwen' });
    await until(() => kept.heard.length === 1);
    expect(dropped.heard).toEqual([]);
    await Promise.all([first.close(), second.close()]);
  });
});

it('a single replica bus hears nobody (nothing else shares its hub)', async () => {
  const first = new MemoryChangeBus();
  const second = new MemoryChangeBus();
  const heard = await collect(second, 'keys');
  await first.publish('keys', { id: 'x' });
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(heard.heard).toEqual([]);
  await Promise.all([first.close(), second.close()]);
});

it('after its connection is killed, the Redis bus resubscribes and tells handlers to reload everything', async () => {
  const first = new RedisChangeBus(redis.url);
  const second = new RedisChangeBus(redis.url);
  const atSecond = await collect(second, 'keys');
  const admin = new Redis(redis.url);
  expect(await admin.client('KILL', 'TYPE', 'pubsub')).toBeGreaterThanOrEqual(1);
  await until(() => atSecond.heard.includes(null), 5_000);
  // Resubscribed: a change published now arrives again (retried until the subscription is back).
  const deadline = Date.now() + 5_000;
  while (!atSecond.heard.some((change) => (change as { id?: string } | null)?.id === 'after') && Date.now() < deadline) {
    await first.publish('keys', { id: 'after' });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(atSecond.heard).toContainEqual({ id: 'after' });
  await Promise.all([first.close(), second.close(), admin.quit()]);
});
