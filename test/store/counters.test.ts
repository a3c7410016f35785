import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../support/redis-server.js';
import type { Counters, LimitCheck } from '../../src/store/counters/counters.js';
import { createCounters } from '../../src/store/counters/create-counters.js';

let redis: Awaited<ReturnType<typeof startRedisServer>>;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const backends: Array<[string, () => Promise<Counters>]> = [
  ['memory', () => createCounters({ redisTimeoutMs: 1_000 })],
  ['redis', () => createCounters({ redisUrl: redis.url, redisTimeoutMs: 1_000 })],
];

const unique = (prefix: string) => `${prefix}:${Math.random().toString(36).slice(2)}`;

describe.each(backends)('limit counters over %s', (_name, create) => {
  let counters: Counters;
  beforeAll(async () => {
    counters = await create();
  });
  afterAll(async () => {
    await counters?.close();
  });

  it('asks for a rebuild of a set it does not know, and reserves once it is restored', async () => {
    const set = unique('set');
    const check: LimitCheck = { name: `${set}:spend`, limit: 1, amount: 0.25 };
    expect(await counters.reserve(set, [check])).toEqual({ outcome: 'lost' });
    await counters.restore(set, [{ name: check.name, value: 0.5 }]);
    expect(await counters.reserve(set, [check])).toMatchObject({ outcome: 'reserved' });
    // 0.75 is still below 1: admitted, and the total passes the limit by this one reservation.
    expect(await counters.reserve(set, [check])).toMatchObject({ outcome: 'reserved' });
    expect(await counters.reserve(set, [check])).toEqual({ outcome: 'refused', index: 0, used: 1 });
  });

  it('a second restore of a known set changes nothing', async () => {
    const set = unique('set');
    const name = `${set}:spend`;
    await counters.restore(set, [{ name, value: 3 }]);
    await counters.restore(set, [{ name, value: 0 }]);
    expect(await counters.reserve(set, [{ name, limit: 3, amount: 1 }])).toEqual({ outcome: 'refused', index: 0, used: 3 });
  });

  it('checks every counter before adding to any, and names the first one at its limit', async () => {
    const set = unique('set');
    const requests = { name: `${set}:rpm`, limit: 10, amount: 1, ttlMs: 60_000 };
    const tokens = { name: `${set}:tpm`, limit: 100, amount: 60, ttlMs: 60_000 };
    await counters.restore(set, [
      { name: requests.name, value: 0, ttlMs: 60_000 },
      { name: tokens.name, value: 0, ttlMs: 60_000 },
    ]);
    expect(await counters.reserve(set, [requests, tokens])).toMatchObject({ outcome: 'reserved' });
    expect(await counters.reserve(set, [requests, tokens])).toMatchObject({ outcome: 'reserved' });
    expect(await counters.reserve(set, [requests, tokens])).toEqual({ outcome: 'refused', index: 1, used: 120 });
    // The refused reservation added nothing: two requests counted, not three.
    expect(await counters.reserve(set, [{ ...requests, limit: 3 }])).toMatchObject({ outcome: 'reserved' });
    expect(await counters.reserve(set, [{ ...requests, limit: 3 }])).toEqual({ outcome: 'refused', index: 0, used: 3 });
  });

  it('admits exactly up to the limit under 200 concurrent reservations', async () => {
    const set = unique('set');
    const check = { name: `${set}:rpm`, limit: 37, amount: 1, ttlMs: 60_000 };
    await counters.restore(set, []);
    const results = await Promise.all(Array.from({ length: 200 }, () => counters.reserve(set, [check])));
    expect(results.filter((result) => result.outcome === 'reserved')).toHaveLength(37);
  });

  it('settles to the actual amount, and releases a failed request', async () => {
    const set = unique('set');
    const name = `${set}:spend`;
    await counters.restore(set, [{ name, value: 0 }]);
    // Amounts are powers of two, exact in binary floating point.
    const first = await counters.reserve(set, [{ name, limit: 1, amount: 0.5 }]);
    const second = await counters.reserve(set, [{ name, limit: 1, amount: 0.25 }]);
    if (first.outcome !== 'reserved' || second.outcome !== 'reserved') throw new Error('not reserved');
    await counters.settle(set, first.epoch, [{ name, reserved: 0.5, actual: 0.125 }]);
    await counters.settle(set, second.epoch, [{ name, reserved: 0.25, actual: 0 }]);
    // 0.125 used: seven more reservations of 0.125 fit below 1, the eighth finds it at 1.
    for (let index = 0; index < 7; index++)
      expect((await counters.reserve(set, [{ name, limit: 1, amount: 0.125 }])).outcome).toBe('reserved');
    expect(await counters.reserve(set, [{ name, limit: 1, amount: 0.125 }])).toEqual({ outcome: 'refused', index: 0, used: 1 });
  });

  it('after a rebuild, settles a reservation of the old epoch with its full actual amount', async () => {
    const set = unique('set');
    const name = `${set}:spend`;
    await counters.restore(set, [{ name, value: 0 }]);
    const reserved = await counters.reserve(set, [{ name, limit: 10, amount: 5 }]);
    if (reserved.outcome !== 'reserved') throw new Error('not reserved');
    // Lost and rebuilt from the store meanwhile; the store did not hold this request yet.
    await counters.forget(set);
    expect(await counters.reserve(set, [{ name, limit: 10, amount: 0 }])).toEqual({ outcome: 'lost' });
    await counters.restore(set, [{ name, value: 2 }]);
    await counters.settle(set, reserved.epoch, [{ name, reserved: 5, actual: 3 }]);
    expect(await counters.reserve(set, [{ name, limit: 5, amount: 0 }])).toEqual({ outcome: 'refused', index: 0, used: 5 });
  });

  it('expires a window counter after its ttl, counted from its first add', async () => {
    const set = unique('set');
    const check = { name: `${set}:rpm`, limit: 2, amount: 1, ttlMs: 150 };
    await counters.restore(set, []);
    await counters.reserve(set, [check]);
    await counters.reserve(set, [check]);
    expect((await counters.reserve(set, [check])).outcome).toBe('refused');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await counters.reserve(set, [check])).outcome).toBe('reserved');
  });
});

describe('limit counters in Redis', () => {
  it('two clients of one Redis share a set', async () => {
    const first = await createCounters({ redisUrl: redis.url, redisTimeoutMs: 1_000 });
    const second = await createCounters({ redisUrl: redis.url, redisTimeoutMs: 1_000 });
    const set = unique('shared');
    const check = { name: `${set}:rpm`, limit: 2, amount: 1, ttlMs: 60_000 };
    await first.restore(set, []);
    expect((await first.reserve(set, [check])).outcome).toBe('reserved');
    expect((await second.reserve(set, [check])).outcome).toBe('reserved');
    expect(await first.reserve(set, [check])).toEqual({ outcome: 'refused', index: 0, used: 2 });
    await Promise.all([first.close(), second.close()]);
  });

  it('a Redis restarted without its data has lost every set', async () => {
    const server = await startRedisServer();
    const counters = await createCounters({ redisUrl: server.url, redisTimeoutMs: 1_000 });
    const set = unique('restart');
    await counters.restore(set, [{ name: `${set}:spend`, value: 1 }]);
    await server.kill();
    const again = await startRedisServer({ port: server.port });
    const result = await eventuallyAnswered(() => counters.reserve(set, [{ name: `${set}:spend`, limit: 1, amount: 0 }]));
    expect(result).toEqual({ outcome: 'lost' });
    await counters.close();
    await again.stop();
  });

  it('fails every call at once while Redis is down, instead of queueing it until Redis returns', async () => {
    const server = await startRedisServer();
    const counters = await createCounters({ redisUrl: server.url, redisTimeoutMs: 1_000 });
    const set = unique('down');
    await counters.restore(set, []);
    await server.kill();
    const calls = [
      counters.reserve(set, [{ name: `${set}:rpm`, limit: 5, amount: 1 }]),
      counters.settle(set, 'epoch', [{ name: `${set}:tpm`, reserved: 5, actual: 4 }]),
      counters.restore(set, []),
      counters.forget(set),
    ];
    // Redis never comes back in this test: a queued call would never settle.
    const settled = await Promise.allSettled(calls);
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    await counters.close();
  });
});

/** Retries while the client reconnects (calls fail at once until it has). */
async function eventuallyAnswered<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
