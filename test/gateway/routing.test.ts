import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoutableDeployment } from '../../src/gateway/deployment-registry.js';
import { startGateway, type GatewayHarness, type HarnessOptions } from './support/gateway-harness.js';
import { peerKinds, type PeerFixture } from '../support/target-kinds.js';

const messages = [{ role: 'user' as const, content: 'route me' }];

/** Routing, retries, fallbacks, breaker, timeouts and stream failures, against misbehaving peers of every HTTP target kind. */
describe.each(peerKinds)('routing over $kind targets', ({ start }) => {
  const fixtures: PeerFixture[] = [];
  let gateway: GatewayHarness | undefined;

  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
    for (const fixture of fixtures.splice(0)) await fixture.stop();
  });

  async function peers(count: number): Promise<PeerFixture[]> {
    const started = await Promise.all(Array.from({ length: count }, () => start()));
    fixtures.push(...started);
    return started;
  }

  async function serve(deployments: RoutableDeployment[], options: HarnessOptions = {}): Promise<OpenAI> {
    gateway = await startGateway({
      deployments,
      ...options,
      gateway: { ...options.gateway, policy: { backoffMs: 20, ...options.gateway?.policy } },
    });
    return gateway.client((await gateway.createKey()).key);
  }

  const logs = async () => {
    const response = await gateway!.admin('GET', '/api/logs?limit=1000');
    return ((await response.json()) as { data: Array<Record<string, any>> }).data;
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
    );

  it('retries a 503 on another attempt and answers', async () => {
    const [a] = await peers(1);
    const client = await serve([{ name: 'm', modelId: null, targets: [a.target('a')], fallbacks: [] }]);
    a.peer.queue({ status: 503 }, 2);
    const completion = await client.chat.completions.create({ model: 'm', messages });
    expect(completion.choices[0].message.content).toBe('Echo: route me');
    expect(a.peer.requests).toHaveLength(3);
  });

  it('waits for the Retry-After of a 429 before trying again', async () => {
    const [a] = await peers(1);
    const client = await serve([{ name: 'm', modelId: null, targets: [a.target('a')], fallbacks: [] }]);
    a.peer.queue({ status: 429, retryAfter: '1' });
    const started = Date.now();
    await client.chat.completions.create({ model: 'm', messages });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(a.peer.requests).toHaveLength(2);
  });

  it('passes a 429 with a Retry-After too long to wait through to the client', async () => {
    const [a] = await peers(1);
    const client = await serve([{ name: 'm', modelId: null, targets: [a.target('a')], fallbacks: [] }], {
      gateway: { policy: { maxRetryDelayMs: 2_000 } },
    });
    a.peer.queue({ status: 429, retryAfter: '30' });
    const error = await failure(client.chat.completions.create({ model: 'm', messages }));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error?.headers?.get('retry-after')).toBe('30');
    expect(a.peer.requests).toHaveLength(1);
  });

  it('does not retry a client error from the upstream', async () => {
    const [a] = await peers(1);
    const client = await serve([{ name: 'm', modelId: null, targets: [a.target('a')], fallbacks: [] }]);
    a.peer.queue({ status: 400, message: 'bad temperature' });
    const error = await failure(client.chat.completions.create({ model: 'm', messages }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error?.message).toContain('bad temperature');
    expect(a.peer.requests).toHaveLength(1);
  });

  it('falls back to the named backup deployment when every attempt failed', async () => {
    const [a, b] = await peers(2);
    a.peer.behavior = { status: 500 };
    const client = await serve([
      { name: 'primary', modelId: null, targets: [a.target('a')], fallbacks: ['backup'] },
      { name: 'backup', modelId: null, targets: [b.target('b')], fallbacks: [] },
    ]);
    const completion = await client.chat.completions.create({ model: 'primary', messages });
    expect(completion.choices[0].message.content).toBe('Echo: route me');
    expect(a.peer.requests).toHaveLength(3);
    expect((await logs())[0]).toMatchObject({ deployment: 'primary', target_id: 'b', status: 200 });
  });

  it('balances by weight when idle', async () => {
    const [a, b] = await peers(2);
    const client = await serve([
      { name: 'm', modelId: null, targets: [a.target('a', { weight: 3 }), b.target('b', { weight: 1 })], fallbacks: [] },
    ]);
    for (let index = 0; index < 200; index++) await client.chat.completions.create({ model: 'm', messages });
    const share = a.peer.requests.length / 200;
    expect(share).toBeGreaterThan(0.62);
    expect(share).toBeLessThan(0.88);
  });

  it('sends new requests to the target with fewer in flight', async () => {
    const [slow, fast] = await peers(2);
    slow.peer.behavior = { stallBeforeHeadersMs: 400 };
    const client = await serve([{ name: 'm', modelId: null, targets: [slow.target('slow'), fast.target('fast')], fallbacks: [] }]);
    await Promise.all(Array.from({ length: 20 }, () => client.chat.completions.create({ model: 'm', messages })));
    // A slow target only gets a request while the fast one has as many in flight as it does.
    expect(slow.peer.requests.length).toBeLessThanOrEqual(5);
    expect(fast.peer.requests.length).toBeGreaterThanOrEqual(15);
  });

  it('takes a failing target out and health-checks it back in', async () => {
    const [sick, well] = await peers(2);
    sick.peer.behavior = { status: 500 };
    const client = await serve([{ name: 'm', modelId: null, targets: [sick.target('sick'), well.target('well')], fallbacks: [] }], {
      gateway: { policy: { breaker: { failureThreshold: 2, cooldownMs: 150, healthTimeoutMs: 1_000 } } },
    });
    for (let index = 0; index < 10; index++) await client.chat.completions.create({ model: 'm', messages });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const postsWhileSick = sick.peer.requests.filter((request) => request.method === 'POST').length;
    expect(postsWhileSick).toBe(2);
    // Health checks (GET /models) keep failing while it is sick.
    expect(sick.peer.requests.filter((request) => request.method === 'GET').length).toBeGreaterThanOrEqual(1);

    sick.peer.behavior = {};
    await new Promise((resolve) => setTimeout(resolve, 400));
    for (let index = 0; index < 20; index++) await client.chat.completions.create({ model: 'm', messages });
    expect(sick.peer.requests.filter((request) => request.method === 'POST').length).toBeGreaterThan(postsWhileSick);
  });

  it('times out a target that sends nothing within its first-byte timeout', async () => {
    const [a] = await peers(1);
    a.peer.behavior = { stallBeforeHeadersMs: 5_000 };
    const client = await serve(
      [{ name: 'm', modelId: null, targets: [a.target('a', { timeouts: { firstByteMs: 300 } })], fallbacks: [] }],
      {
        gateway: { policy: { maxAttempts: 1 } },
      },
    );
    const started = Date.now();
    const error = await failure(client.chat.completions.create({ model: 'm', messages }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error?.status).toBe(504);
    expect(error?.code).toBe('upstream_timeout');
  });

  it('ends a stream with an error event when the upstream goes quiet mid-stream', async () => {
    const [a] = await peers(1);
    a.peer.behavior = { stallAfterChunks: 2, stallMs: 10_000 };
    const client = await serve([{ name: 'm', modelId: null, targets: [a.target('a', { timeouts: { idleMs: 300 } })], fallbacks: [] }]);
    const stream = await client.chat.completions.create({
      model: 'm',
      stream: true,
      messages: [{ role: 'user', content: 'one two three four five' }],
    });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    })().then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error?.message).toContain('sent nothing for 300 ms');
    expect(text).toBe('Echo: one ');
    expect((await logs())[0]).toMatchObject({ status: 200, error_code: 'upstream_timeout', stream: true });
  });

  it('ends a stream with an error event when the upstream dies mid-stream, without retrying after the first byte', async () => {
    const [a] = await peers(1);
    a.peer.behavior = { dieAfterChunks: 3 };
    const client = await serve([{ name: 'm', modelId: null, targets: [a.target('a')], fallbacks: [] }]);
    const stream = await client.chat.completions.create({
      model: 'm',
      stream: true,
      messages: [{ role: 'user', content: 'one two three four five' }],
    });
    const error = await (async () => {
      for await (const _chunk of stream) {
        // drain
      }
    })().then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(a.peer.requests).toHaveLength(1);
    expect((await logs())[0]).toMatchObject({ status: 200, error_code: 'upstream_error' });
  });
});
