import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  awayFromMinuteEnd,
  burstMaxTokens,
  burstMessages,
  reservedTokens,
  sendWaves,
  usedTokens,
} from '../gateway/support/limit-bursts.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { createTestDatabase } from '../support/stores.js';
import { startOpenAIPeer, type OpenAIPeer } from '../support/upstreams/openai-peer.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { adminKey } from '../support/start-app.js';
import { eventually } from '../support/eventually.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

// Three `devup serve` processes on one PostgreSQL and one Redis, as an operator runs them.
// Regressions: a burst spread over the replicas passed budgets and token limits by up to its
// concurrency; a Redis restarted without persistence forgot the counters, so a spent budget was
// spent again; with Redis down, limited keys waited seconds for a 500, and ioredis printed
// "Unhandled error event" stack traces.

// $150 per million tokens: a request that uses 7 tokens costs $0.00105.
const pricing = { inputPerMillion: 150, outputPerMillion: 150 };
const usdPerToken = 150 / 1_000_000;

describe('limits on three replica processes sharing PostgreSQL and Redis', () => {
  let redis: RedisServer;
  let peer: OpenAIPeer;
  let replicas: GatewayProcess[];
  /** Replica c reaches Redis through it, so that c alone can be cut off. */
  let proxy: TcpProxy;

  beforeAll(async () => {
    redis = await startRedisServer();
    peer = await startOpenAIPeer({ models: ['peer-model'] });
    proxy = await startTcpProxy(redis.port);
    const shared = { DEVUP_DATABASE_URL: await createTestDatabase(), DEVUP_REDIS_URL: redis.url };
    // The first one migrates the database; the others start on it together. Their outage policies differ (see the last test).
    const first = await startGatewayProcess({ environment: { ...shared, DEVUP_REPLICA_ID: 'a' } });
    replicas = [
      first,
      ...(await Promise.all([
        startGatewayProcess({
          environment: {
            ...shared,
            DEVUP_REPLICA_ID: 'b',
            DEVUP_RATE_LIMITS_ON_REDIS_DOWN: 'closed',
            DEVUP_BUDGETS_ON_REDIS_DOWN: 'closed',
          },
        }),
        startGatewayProcess({
          environment: {
            ...shared,
            DEVUP_REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
            DEVUP_REPLICA_ID: 'c',
            DEVUP_RATE_LIMITS_ON_REDIS_DOWN: 'open',
            DEVUP_BUDGETS_ON_REDIS_DOWN: 'open',
          },
        }),
      ])),
    ];
    const created = await first.admin('POST', '/api/deployments', {
      name: 'm',
      targets: [{ kind: 'endpoint', spec: { url: peer.baseUrl, upstreamModel: 'peer-model' } }],
      settings: { pricing },
    });
    expect(created.status).toBe(201);
    for (const replica of replicas) {
      await eventually(() => replica.client(adminKey).chat.completions.create({ model: 'm', messages: burstMessages }), 20_000);
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all((replicas ?? []).map((replica) => replica.stop()));
    await peer?.stop();
    await proxy?.stop();
    await redis?.stop();
  });

  /** A key created through the first replica, once every replica accepts it. */
  async function createKey(limits: Record<string, number>): Promise<{ id: string; key: string }> {
    const response = await replicas[0].admin('POST', '/api/keys', { name: 'limits', limits });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { id: string; key: string };
    for (const replica of replicas) await eventually(() => replica.client(created.key).models.list());
    return created;
  }

  const clients = (key: string) => replicas.map((replica) => replica.client(key));

  it('a burst of 15 over the three answers no more than a $0.02 budget plus one reservation', async () => {
    const budgetUsd = 0.02;
    const { key } = await createKey({ budgetUsd });
    const answers = await sendWaves(clients(key), { concurrency: 15, maxWaves: 10, holdMs: 40 });
    const spent = answers.reduce((sum, answer) => sum + answer.tokens, 0) * usdPerToken;
    expect(spent).toBeLessThanOrEqual(budgetUsd + reservedTokens * usdPerToken);
    expect(spent).toBeGreaterThanOrEqual(budgetUsd - reservedTokens * usdPerToken);
    expect(answers.at(-1)?.code).toBe('quota_exceeded');
  });

  it('a burst of 15 over the three answers no more than a tokens-per-minute limit plus one reservation', async () => {
    await awayFromMinuteEnd(20_000);
    const tokensPerMinute = 60;
    const { key } = await createKey({ tokensPerMinute });
    const answers = await sendWaves(clients(key), { concurrency: 15, maxWaves: 10, holdMs: 40 });
    const tokens = answers.reduce((sum, answer) => sum + answer.tokens, 0);
    expect(tokens).toBeLessThanOrEqual(tokensPerMinute + reservedTokens);
    expect(tokens).toBeGreaterThanOrEqual(tokensPerMinute - usedTokens);
    expect(answers.at(-1)?.code).toBe('rate_limited');
  }, 90_000);

  it("Redis restarted empty: a spent budget stays spent, and the minute's requests and tokens stay counted", async () => {
    await awayFromMinuteEnd(25_000);
    const keys = [
      { ...(await createKey({ budgetUsd: 0.005 })), code: 'quota_exceeded' },
      { ...(await createKey({ requestsPerMinute: 5 })), code: 'rate_limited' },
      { ...(await createKey({ tokensPerMinute: 30 })), code: 'rate_limited' },
    ];
    // Spend each key one request at a time, round the replicas, until it is refused.
    for (const { id, key } of keys) {
      let sent = 0;
      for (;;) {
        const status = await chat(replicas[sent % 3].client(key));
        sent++;
        if (status.status !== 200) break;
      }
      // Every request of the key recorded in PostgreSQL (records are written within a second).
      await eventually(async () => expect(await recordedRequests(id)).toBe(sent), 10_000);
    }

    await redis.kill();
    redis = await startRedisServer({ port: redis.port });

    for (const { key, code } of keys) {
      // Replica b never falls back on counters of its own: until it reconnects it answers 503, then from Redis.
      const answer = await eventually(async () => {
        const result = await chat(replicas[1].client(key));
        if (result.status === 503) throw new Error('b has not reconnected to Redis yet');
        return result;
      }, 15_000);
      expect(answer).toMatchObject({ status: 429, code });
      for (const replica of [replicas[0], replicas[2]]) expect(await chat(replica.client(key))).toMatchObject({ status: 429, code });
    }
  }, 90_000);

  it('a replica cut off from Redis spends a budget on its own counters (open); back, it has the shared ones rebuilt', async () => {
    const { id, key } = await createKey({ budgetUsd: 0.005 });
    expect((await chat(replicas[0].client(key))).status).toBe(200);
    await eventually(async () => expect(await recordedRequests(id)).toBe(1), 10_000);

    await proxy.cut();
    const answers: ChatAnswer[] = [];
    while (answers.at(-1)?.status !== 429 && answers.length < 10) answers.push(await chat(replicas[2].client(key)));
    // On c's own counters, rebuilt from PostgreSQL ($0.00105 spent): four more requests, then the budget.
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 429]);
    expect(answers.at(-1)?.code).toBe('quota_exceeded');
    await proxy.restore();

    // Redis never heard of those four. Once c reaches it again, c marks the key's shared counters
    // lost (seen here in Redis itself), so that the next request anywhere rebuilds them from
    // PostgreSQL, which has c's records.
    await eventually(async () => expect(await recordedRequests(id)).toBe(6), 10_000);
    const inspector = new Redis(redis.url);
    try {
      await eventually(async () => expect(await inspector.exists(`devup:counter:epoch:${id}`)).toBe(0), 15_000);
    } finally {
      await inspector.quit();
    }
    expect(await chat(replicas[0].client(key))).toMatchObject({ status: 429, code: 'quota_exceeded' });
  });

  it('Redis down: each limit kind answers by its policy at once, never 500, and no unhandled ioredis errors', async () => {
    const budgeted = await createKey({ budgetUsd: 100 });
    const rated = await createKey({ requestsPerMinute: 10_000 });
    await redis.kill();

    const expected = {
      // a: the defaults, rate limits open and budgets closed; b: both closed; c: both open.
      a: { budget: 503, rate: 200 },
      b: { budget: 503, rate: 503 },
      c: { budget: 200, rate: 200 },
    };
    const answers = await Promise.all(
      replicas.flatMap((replica) =>
        [budgeted.key, rated.key, adminKey].flatMap((key) => Array.from({ length: 3 }, () => chat(replica.client(key)))),
      ),
    );
    const byReplica = [0, 1, 2].map((index) => answers.slice(index * 9, index * 9 + 9));
    for (const [index, policy] of Object.values(expected).entries()) {
      const [budget, rate, admin] = [0, 3, 6].map((start) => byReplica[index].slice(start, start + 3));
      expect(budget.map((answer) => answer.status)).toEqual([policy.budget, policy.budget, policy.budget]);
      expect(rate.map((answer) => answer.status)).toEqual([policy.rate, policy.rate, policy.rate]);
      expect(admin.map((answer) => answer.status)).toEqual([200, 200, 200]);
    }
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused.every((answer) => answer.code === 'unavailable' && Number(answer.retryAfter) >= 1)).toBe(true);

    // Admitted on its own counters, and said so in the metrics.
    const metrics = await (await replicas[2].admin('GET', '/metrics')).text();
    expect(metrics).toMatch(/devup_limit_counters_unreachable_total\{outcome="admitted_locally"\} ([6-9]|\d{2,})/);
    const closedMetrics = await (await replicas[1].admin('GET', '/metrics')).text();
    expect(closedMetrics).toMatch(/devup_limit_counters_unreachable_total\{outcome="refused"\} ([6-9]|\d{2,})/);

    for (const replica of replicas) expect(replica.stderr()).not.toContain('Unhandled error event');
  });

  /** Records of the key in PostgreSQL, through the admin API. */
  async function recordedRequests(keyId: string): Promise<number> {
    const response = await replicas[0].admin('GET', `/api/usage?key=${keyId}`);
    const { data } = (await response.json()) as { data: Array<{ requests: number }> };
    return data.reduce((sum, row) => sum + row.requests, 0);
  }
});

interface ChatAnswer {
  status: number;
  code: string | null;
  retryAfter: string | null;
}

async function chat(client: OpenAI): Promise<ChatAnswer> {
  try {
    await client.chat.completions.create({ model: 'm', messages: burstMessages, max_tokens: burstMaxTokens });
    return { status: 200, code: null, retryAfter: null };
  } catch (error) {
    if (!(error instanceof OpenAI.APIError)) throw error;
    return { status: error.status ?? 0, code: error.code ?? null, retryAfter: error.headers?.get('retry-after') ?? null };
  }
}
