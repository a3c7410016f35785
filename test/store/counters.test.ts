import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../support/redis-server.js';
import type { Counters } from '../../src/store/counters/counters.js';
import { createCounters } from '../../src/store/counters/create-counters.js';

let redis: Awaited<ReturnType<typeof startRedisServer>>;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const backends: Array<[string, () => Counters]> = [
  ['memory', () => createCounters({})],
  ['redis', () => createCounters({ redisUrl: redis.url })],
];

describe.each(backends)('counters over %s', (_name, create) => {
  it('adds integers and fractions and reads them back', async () => {
    const counters = create();
    const name = `test:${Math.random()}`;
    expect(await counters.get(name)).toBe(0);
    expect(await counters.add(name, 1)).toBe(1);
    expect(await counters.add(name, 2.5)).toBe(3.5);
    expect(await counters.add(name, -1)).toBe(2.5);
    expect(await counters.get(name)).toBe(2.5);
    await counters.close();
  });

  it('expires a window counter after its ttl, counted from its first add', async () => {
    const counters = create();
    const name = `window:${Math.random()}`;
    await counters.add(name, 1, 150);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await counters.add(name, 1, 150)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await counters.get(name)).toBe(0);
    expect(await counters.add(name, 1, 150)).toBe(1);
    await counters.close();
  });

  it('seeds a total only when it is absent', async () => {
    const counters = create();
    const name = `seed:${Math.random()}`;
    await counters.setIfAbsent(name, 4);
    await counters.setIfAbsent(name, 9);
    expect(await counters.get(name)).toBe(4);
    await counters.close();
  });

  it('counts every one of many concurrent adds', async () => {
    const counters = create();
    const name = `concurrent:${Math.random()}`;
    await Promise.all(Array.from({ length: 200 }, () => counters.add(name, 1, 60_000)));
    expect(await counters.get(name)).toBe(200);
    await counters.close();
  });
});

it('two clients of one Redis share a counter', async () => {
  const first = createCounters({ redisUrl: redis.url });
  const second = createCounters({ redisUrl: redis.url });
  const name = `shared:${Math.random()}`;
  await first.add(name, 2);
  expect(await second.add(name, 3)).toBe(5);
  await Promise.all([first.close(), second.close()]);
});
