import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../support/redis-server.js';
import { createTestDatabase } from '../support/stores.js';
import { adminKey } from '../support/start-app.js';
import { startGateway, type GatewayHarness } from './support/gateway-harness.js';
import { targetKinds, type TargetFixture } from '../support/target-kinds.js';

const messages = [{ role: 'user' as const, content: 'one two three' }];
const pricing = { inputPerMillion: 1_000, outputPerMillion: 1_000 };
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
  );

let fixture: TargetFixture;
beforeAll(async () => {
  fixture = await targetKinds[0].start();
});
afterAll(async () => {
  await fixture?.stop();
});

describe('keys and limits on one gateway', () => {
  let gateway: GatewayHarness;
  beforeAll(async () => {
    gateway = await startGateway({ deployments: [{ name: 'm', modelId: null, targets: [fixture.target('m')], fallbacks: [], pricing }] });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('stores only a hash and a prefix, and lists keys without the key', async () => {
    const created = await gateway.createKey({ name: 'listed', deployments: ['m'], limits: { requestsPerMinute: 5 } });
    const row = await gateway.services.store.db.selectFrom('api_keys').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.key);
    const listed = (await (await gateway.admin('GET', '/api/keys')).json()) as { data: Array<Record<string, unknown>> };
    expect(listed.data.find((key) => key.id === created.id)).toMatchObject({
      name: 'listed',
      prefix: created.key.slice(0, 12),
      deployments: ['m'],
      revokedAt: null,
    });
    expect(JSON.stringify(listed)).not.toContain(created.key);
  });

  it('refuses a revoked key and an expired key with 401', async () => {
    const revoked = await gateway.createKey();
    await gateway.client(revoked.key).chat.completions.create({ model: 'm', messages });
    expect((await gateway.admin('DELETE', `/api/keys/${revoked.id}`)).status).toBe(200);
    expect(await failure(gateway.client(revoked.key).chat.completions.create({ model: 'm', messages }))).toBeInstanceOf(
      OpenAI.AuthenticationError,
    );

    const expiring = await gateway.createKey({ expiresIn: '1s' });
    await gateway.client(expiring.key).models.list();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const expired = await failure(gateway.client(expiring.key).models.list());
    expect(expired).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(expired?.message).toContain('expired');
  });

  it('lists every bad field of a key request in one 400', async () => {
    const response = await gateway.admin('POST', '/api/keys', { name: '', expiresIn: 'soon', limits: { requestsPerMinute: -1 } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { details: Array<{ path: string }> } };
    expect(body.error.details.map((detail) => detail.path).sort()).toEqual([
      'body.expiresIn',
      'body.limits.requestsPerMinute',
      'body.name',
    ]);
  });

  it('stops a key at its tokens per minute', async () => {
    const { key } = await gateway.createKey({ limits: { tokensPerMinute: 5 } });
    await gateway.client(key).chat.completions.create({ model: 'm', messages });
    const error = await failure(gateway.client(key).chat.completions.create({ model: 'm', messages }));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error?.code).toBe('rate_limited');
    expect(error?.message).toContain('tokens per minute');
  });

  it('stops a key at its USD budget with quota_exceeded', async () => {
    // 3 prompt + 4 completion tokens at $1,000 per million: $0.007 a request.
    const { key } = await gateway.createKey({ limits: { budgetUsd: 0.01 } });
    await gateway.client(key).chat.completions.create({ model: 'm', messages });
    await gateway.client(key).chat.completions.create({ model: 'm', messages });
    const error = await failure(gateway.client(key).chat.completions.create({ model: 'm', messages }));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error?.code).toBe('quota_exceeded');
    expect(error?.headers?.get('retry-after')).toBeNull();
  });

  it('exposes requests, latency, TTFT, tokens, in-flight and overhead in Prometheus format', async () => {
    const { key } = await gateway.createKey();
    const stream = await gateway.client(key).chat.completions.create({ model: 'm', stream: true, messages });
    for await (const _chunk of stream) {
      // drain
    }
    // Behind the admin key by default (DEVUP_METRICS=admin): neither anonymous nor a user key may read it.
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    const response = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/devup_requests_total\{deployment="m",status="200"\} \d+/);
    expect(text).toMatch(/devup_time_to_first_token_seconds_count\{deployment="m"\} [1-9]/);
    expect(text).toMatch(/devup_request_duration_seconds_bucket\{le="\+Inf",deployment="m"\} [1-9]/);
    expect(text).toMatch(/devup_tokens_total\{deployment="m",type="completion"\} [1-9]/);
    expect(text).toMatch(/devup_requests_in_flight\{deployment="m"\} 0/);
    expect(text).toMatch(/devup_gateway_overhead_seconds_count [1-9]/);
  });
});

describe('limits shared by two gateway replicas through Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let first: GatewayHarness;
  let second: GatewayHarness;

  beforeAll(async () => {
    redis = await startRedisServer();
    const databaseUrl = await createTestDatabase();
    const deployments = () => [{ name: 'm', modelId: null, targets: [fixture.target('m')], fallbacks: [], pricing }];
    first = await startGateway({ config: { databaseUrl, redisUrl: redis.url }, deployments: deployments() });
    second = await startGateway({ config: { databaseUrl, redisUrl: redis.url }, deployments: deployments() });
  });
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await redis?.stop();
  });

  it('counts requests per minute across both replicas', async () => {
    const { key } = await first.createKey({ limits: { requestsPerMinute: 4 } });
    // The second replica learns of the key from the shared database on its next reload.
    await second.services.gateway.keys.reload();
    const answers = [];
    for (const gateway of [first, second, first, second, first, second]) {
      answers.push(await failure(gateway.client(key).chat.completions.create({ model: 'm', messages })));
    }
    expect(answers.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined]);
    expect(answers[4]).toBeInstanceOf(OpenAI.RateLimitError);
    expect(answers[5]).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('shares spend: a budget used on one replica is used up on the other', async () => {
    const { key } = await first.createKey({ limits: { budgetUsd: 0.006 } });
    await second.services.gateway.keys.reload();
    await first.client(key).chat.completions.create({ model: 'm', messages });
    // Spend is added off the request path; give it a moment to reach Redis.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const error = await failure(second.client(key).chat.completions.create({ model: 'm', messages }));
    expect(error?.code).toBe('quota_exceeded');
  });
});
