import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { createTestDatabase } from '../support/stores.js';
import { eventually } from '../support/eventually.js';
import { startReplica, type Replica } from './replica.js';

let redis: RedisServer;
let replica: Replica;

beforeAll(async () => {
  redis = await startRedisServer();
  replica = await startReplica({ databaseUrl: await createTestDatabase(), redisUrl: redis.url, replicaId: 'ready' });
});

afterAll(async () => {
  await replica?.stop();
  await redis?.stop();
});

it('is not ready while its Redis is down, and ready again once it is back; /health stays 200', async () => {
  const ready = async () => {
    const response = await fetch(`${replica.url}/ready`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  expect(await ready()).toEqual({ status: 200, body: { status: 'ready', store: 'ok', redis: 'ok', deployments: {} } });

  await redis.kill();
  expect(await ready()).toEqual({ status: 503, body: { status: 'unavailable', store: 'ok', redis: 'unavailable', deployments: {} } });
  expect((await fetch(`${replica.url}/health`)).status).toBe(200);

  redis = await startRedisServer({ port: redis.port });
  await eventually(async () => expect((await ready()).status).toBe(200), 15_000);
});
