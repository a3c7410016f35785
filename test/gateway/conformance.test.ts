import http from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayHarness } from './support/gateway-harness.js';
import { peerKinds, targetKinds, type PeerFixture, type TargetFixture } from '../support/target-kinds.js';

const pricing = { inputPerMillion: 2, outputPerMillion: 8 };
/** Greedy and bounded, so that every kind's answer is known in advance. */
const sampling = { temperature: 0, max_tokens: 16 };

/** The same gateway behaviour, checked through the official OpenAI SDK, against every target kind. */
describe.each(targetKinds)('gateway conformance over $kind targets', ({ kind, start }) => {
  let fixture: TargetFixture;
  let gateway: GatewayHarness;
  let key: string;
  let client: OpenAI;

  beforeAll(async () => {
    fixture = await start();
    gateway = await startGateway({
      deployments: [
        { name: 'chat', modelId: null, targets: [fixture.target('chat-1')], fallbacks: [], pricing },
        { name: 'free', modelId: null, targets: [fixture.target('free-1')], fallbacks: [] },
        { name: 'secret', modelId: null, targets: [fixture.target('secret-1')], fallbacks: [] },
      ],
    });
    ({ key } = await gateway.createKey({ deployments: ['chat', 'free'] }));
    client = gateway.client(key);
  });

  afterAll(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
    );

  it('lists only the deployments the key may use, and retrieves one', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id).sort()).toEqual(['chat', 'free']);
    const model = await client.models.retrieve('chat');
    expect(model).toMatchObject({ id: 'chat', object: 'model', owned_by: 'devup' });
    await expect(client.models.retrieve('secret')).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    await expect(client.models.retrieve('no-such-model')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('answers a chat completion with usage, request id and overhead headers', async () => {
    const body = { model: 'chat', messages: [{ role: 'user' as const, content: 'hello gateway world' }], ...sampling };
    const expected = await fixture.expected('chat', body);
    const { data, response } = await client.chat.completions.create(body).withResponse();
    expect(data.choices[0].message.content).toBe(expected.text);
    expect(data.usage).toMatchObject({ prompt_tokens: expected.promptTokens, completion_tokens: expected.completionTokens });
    expect(data.model).toBeTypeOf('string');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}-[0-9a-z]+$/);
    // The gateway's own time in ms with three decimals; a missing header must fail (Number(null) is 0).
    expect(response.headers.get('x-devup-overhead-ms')).toMatch(/^\d+\.\d{3}$/);

    const log = await gateway.lastLog();
    expect(log).toMatchObject({
      request_id: response.headers.get('x-request-id'),
      deployment: 'chat',
      target_id: 'chat-1',
      upstream_model: fixture.target('probe').upstreamModel,
      operation: 'chat',
      stream: false,
      prompt_tokens: expected.promptTokens,
      completion_tokens: expected.completionTokens,
      status: 200,
      error_code: null,
    });
    expect(log.cost_usd).toBeCloseTo((expected.promptTokens * 2 + expected.completionTokens * 8) / 1e6, 12);
    expect(log.latency_ms).toBeGreaterThan(0);
    expect(log.overhead_ms).toBeGreaterThanOrEqual(0);
  });

  it('streams without usage when the client did not ask, yet records the usage', async () => {
    const body = { model: 'chat', messages: [{ role: 'user' as const, content: 'one two three four' }], ...sampling };
    const expected = await fixture.expected('chat', body);
    const stream = await client.chat.completions.create({ ...body, stream: true });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe(expected.text);
    expect(chunks.every((chunk) => chunk.choices.length > 0 && !chunk.usage)).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    const log = await gateway.lastLog();
    expect(log).toMatchObject({
      stream: true,
      prompt_tokens: expected.promptTokens,
      completion_tokens: expected.completionTokens,
      status: 200,
    });
    expect(log.ttft_ms).toBeGreaterThan(0);
  });

  it('streams the usage chunk when the client asked for it', async () => {
    const body = { model: 'chat', messages: [{ role: 'user' as const, content: 'count me' }], ...sampling };
    const expected = await fixture.expected('chat', body);
    const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: expected.promptTokens, completion_tokens: expected.completionTokens });
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe(expected.finishReason);
  });

  it('answers legacy completions, streamed and not', async () => {
    const whole = await fixture.expected('completion', { prompt: 'say this', ...sampling });
    const completion = await client.completions.create({ model: 'free', prompt: 'say this', ...sampling });
    expect(completion.choices[0].text).toBe(whole.text);
    expect(completion.choices[0].finish_reason).toBe(whole.finishReason);
    expect(completion.usage).toMatchObject({ prompt_tokens: whole.promptTokens, completion_tokens: whole.completionTokens });
    const expected = await fixture.expected('completion', { prompt: 'say that', ...sampling });
    const stream = await client.completions.create({ model: 'free', prompt: 'say that', ...sampling, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(expected.text);
    const log = await gateway.lastLog();
    expect(log).toMatchObject({
      operation: 'completion',
      deployment: 'free',
      cost_usd: null,
      prompt_tokens: expected.promptTokens,
      completion_tokens: expected.completionTokens,
    });
  });

  it('answers embeddings, or refuses them with a 400 where the kind has none', async () => {
    const { embeddings } = fixture;
    if (!embeddings) {
      const error = await failure(client.embeddings.create({ model: 'free', input: 'alpha' }));
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      return;
    }
    const input = ['alpha beta', 'gamma'];
    const result = await client.embeddings.create({ model: 'free', input });
    expect(result.data).toHaveLength(2);
    expect(result.data[0].embedding).toHaveLength(embeddings.dimensions);
    expect(result.data[0].embedding.every((value) => Number.isFinite(value))).toBe(true);
    expect(result.usage.prompt_tokens).toBe(embeddings.promptTokens(input));
    // The SDK asks for base64 by default; floats must be the same numbers.
    const floats = await client.embeddings.create({ model: 'free', input, encoding_format: 'float' });
    expect(floats.data[0].embedding.map((value) => Math.fround(value))).toEqual(result.data[0].embedding);
  });

  it('maps every failure the gateway decides to the OpenAI error class and status', async () => {
    const messages = [{ role: 'user' as const, content: 'x' }];

    const badKey = await failure(gateway.client('devup-not-a-key').chat.completions.create({ model: 'chat', messages }));
    expect(badKey).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(badKey?.status).toBe(401);

    const outOfScope = await failure(client.chat.completions.create({ model: 'secret', messages }));
    expect(outOfScope).toBeInstanceOf(OpenAI.PermissionDeniedError);

    const unknown = await failure(client.chat.completions.create({ model: 'no-such-model', messages }));
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown?.code).toBe('model_not_found');

    const invalid = await failure(client.chat.completions.create({ model: 'chat', messages: [] }));
    expect(invalid).toBeInstanceOf(OpenAI.BadRequestError);
    expect(invalid?.param).toBe('messages');
  });

  it('tells the client to come back later when the target has no room', async () => {
    const makeRoom = await fixture.overload();
    let refused: InstanceType<typeof OpenAI.APIError> | undefined;
    try {
      refused = await failure(
        client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'busy?' }], ...sampling }),
      );
    } finally {
      await makeRoom();
    }
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect(refused?.status).toBe(fixture.overloaded.status);
    expect(refused?.headers?.get('retry-after')).toBe('1');
    expect(refused?.error).toMatchObject({ code: fixture.overloaded.code, type: 'api_error' });
    expect(await gateway.lastLog()).toMatchObject({ status: fixture.overloaded.status, error_code: fixture.overloaded.code });
  });

  it('stops the upstream work at once when the client disconnects mid-stream', async () => {
    const restore = fixture.slowStreams();
    const stopped = fixture.watchAbort();
    try {
      // A raw socket-level client, so that the disconnect happens exactly when the test says.
      const request = http.request(`${gateway.url}/v1/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      });
      // Sampling checked to run the engine's 1,000 tokens without an end of story (seeded, so always the same).
      request.end(JSON.stringify({ model: 'chat', stream: true, prompt: 'Once upon a time', max_tokens: 1000, temperature: 1.5, seed: 2 }));
      const response = await new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve));
      await new Promise<void>((resolve) => response.once('data', () => resolve()));
      request.destroy();
      const disconnectedAt = Date.now();
      await stopped();
      expect(Date.now() - disconnectedAt).toBeLessThan(250);
    } finally {
      restore();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Billed for what was delivered: the engine counts its decoded tokens exactly, the peers' text is estimated.
    const record = await gateway.lastLog();
    expect(record).toMatchObject({ status: 499, error_code: 'client_closed', usage_estimated: kind !== 'embedded' });
    expect(record.completion_tokens).toBeGreaterThan(0);
  });

  it('enforces requests per minute with 429 and Retry-After', async () => {
    const limited = await gateway.createKey({ limits: { requestsPerMinute: 2 } });
    const limitedClient = gateway.client(limited.key);
    const messages = [{ role: 'user' as const, content: 'limit' }];
    await limitedClient.chat.completions.create({ model: 'chat', messages, ...sampling });
    await limitedClient.chat.completions.create({ model: 'chat', messages, ...sampling });
    const error = await failure(limitedClient.chat.completions.create({ model: 'chat', messages, ...sampling }));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error?.code).toBe('rate_limited');
    expect(Number(error?.headers?.get('retry-after'))).toBeGreaterThan(0);
  });
});

/** What the gateway does with the HTTP kinds' upstream requests and failures (the engine has neither). */
describe.each(peerKinds)('gateway over $kind peers', ({ start }) => {
  let fixture: PeerFixture;
  let gateway: GatewayHarness;
  let client: OpenAI;

  beforeAll(async () => {
    fixture = await start();
    gateway = await startGateway({ deployments: [{ name: 'chat', modelId: null, targets: [fixture.target('chat-1')], fallbacks: [] }] });
    client = gateway.client((await gateway.createKey()).key);
  });

  afterAll(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  it('passes request fields it does not know through to the upstream untouched', async () => {
    await client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'pass through' }],
      // @ts-expect-error: a sampling field of vLLM and Anthropic that OpenAI's API does not have
      top_k: 7,
    });
    const sent = fixture.peer.requests.at(-1)!;
    expect(sent.body.top_k).toBe(7);
  });

  it('asks the upstream for the usage of a stream whose client did not ask', async () => {
    const stream = await client.chat.completions.create({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'one two' }] });
    for await (const _chunk of stream) {
      // drain
    }
    expect(fixture.asksStreamUsage(fixture.peer.requests.at(-1)!.body)).toBe(true);
  });

  it('answers an upstream failure as a 502 api_error', async () => {
    fixture.peer.queue({ status: 500, message: 'upstream exploded' }, 3);
    const upstream = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }).then(
      () => undefined,
      (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
    );
    expect(upstream).toBeInstanceOf(OpenAI.InternalServerError);
    expect(upstream?.status).toBe(502);
    expect((upstream?.error as { type?: string }).type).toBe('api_error');
  });
});
