import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayHarness } from './support/gateway-harness.js';
import { targetKinds, type TargetFixture } from './support/target-kinds.js';

const pricing = { inputPerMillion: 2, outputPerMillion: 8 };

/** The same gateway behaviour, checked through the official OpenAI SDK, against every target kind. */
describe.each(targetKinds)('gateway conformance over $kind targets', ({ start }) => {
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

  const lastLog = async () => {
    const response = await gateway.admin('GET', '/api/logs?limit=1');
    return ((await response.json()) as { data: Array<Record<string, any>> }).data[0];
  };

  it('lists only the deployments the key may use, and retrieves one', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id).sort()).toEqual(['chat', 'free']);
    const model = await client.models.retrieve('chat');
    expect(model).toMatchObject({ id: 'chat', object: 'model', owned_by: 'devup' });
    await expect(client.models.retrieve('secret')).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    await expect(client.models.retrieve('no-such-model')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('answers a chat completion with usage, request id and overhead headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'hello gateway world' }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe('Echo: hello gateway world');
    expect(data.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4 });
    expect(data.model).toBeTypeOf('string');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}-[0-9a-z]+$/);
    // The gateway's own time in ms with three decimals; a missing header must fail (Number(null) is 0).
    expect(response.headers.get('x-devup-overhead-ms')).toMatch(/^\d+\.\d{3}$/);

    const log = await lastLog();
    expect(log).toMatchObject({
      request_id: response.headers.get('x-request-id'),
      deployment: 'chat',
      target_id: 'chat-1',
      upstream_model: fixture.target('probe').upstreamModel,
      operation: 'chat',
      stream: false,
      prompt_tokens: 3,
      completion_tokens: 4,
      status: 200,
      error_code: null,
    });
    expect(log.cost_usd).toBeCloseTo((3 * 2 + 4 * 8) / 1e6, 12);
    expect(log.latency_ms).toBeGreaterThan(0);
    expect(log.overhead_ms).toBeGreaterThanOrEqual(0);
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

  it('streams without usage when the client did not ask, yet records the usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'chat',
      stream: true,
      messages: [{ role: 'user', content: 'one two three four' }],
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe('Echo: one two three four');
    expect(chunks.every((chunk) => chunk.choices.length > 0 && !chunk.usage)).toBe(true);
    expect(fixture.asksStreamUsage(fixture.peer.requests.at(-1)!.body)).toBe(true);
    const log = await lastLog();
    expect(log).toMatchObject({ stream: true, prompt_tokens: 4, completion_tokens: 5, status: 200 });
    expect(log.ttft_ms).toBeGreaterThan(0);
  });

  it('streams the usage chunk when the client asked for it', async () => {
    const stream = await client.chat.completions.create({
      model: 'chat',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'count me' }],
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3 });
    expect(chunks.at(-1)!.choices).toEqual([]);
  });

  it('answers legacy completions, streamed and not', async () => {
    if (!fixture.supports.completions) return;
    const completion = await client.completions.create({ model: 'free', prompt: 'say this' });
    expect(completion.choices[0].text).toBe('Echo: say this');
    const stream = await client.completions.create({ model: 'free', prompt: 'say that', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe('Echo: say that');
    const log = await lastLog();
    expect(log).toMatchObject({ operation: 'completion', deployment: 'free', cost_usd: null, prompt_tokens: 2, completion_tokens: 3 });
  });

  it('answers embeddings, or refuses them with a 400 where the kind has none', async () => {
    if (!fixture.supports.embeddings) {
      const error = await client.embeddings.create({ model: 'free', input: 'alpha' }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      return;
    }
    const result = await client.embeddings.create({ model: 'free', input: ['alpha beta', 'gamma'] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0].embedding).toHaveLength(8);
    expect(result.usage.prompt_tokens).toBe(3);
  });

  it('maps every failure to the OpenAI error class and status', async () => {
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
      );
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

    fixture.peer.queue({ status: 500, message: 'upstream exploded' }, 3);
    const upstream = await failure(client.chat.completions.create({ model: 'chat', messages }));
    expect(upstream).toBeInstanceOf(OpenAI.InternalServerError);
    expect(upstream?.status).toBe(502);
    expect((upstream?.error as { type?: string }).type).toBe('api_error');
  });

  it('enforces requests per minute with 429 and Retry-After', async () => {
    const limited = await gateway.createKey({ limits: { requestsPerMinute: 2 } });
    const limitedClient = gateway.client(limited.key);
    const messages = [{ role: 'user' as const, content: 'limit' }];
    await limitedClient.chat.completions.create({ model: 'chat', messages });
    await limitedClient.chat.completions.create({ model: 'chat', messages });
    const error = await limitedClient.chat.completions.create({ model: 'chat', messages }).then(
      () => undefined,
      (caught: unknown) => caught as InstanceType<typeof OpenAI.APIError>,
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error?.code).toBe('rate_limited');
    expect(Number(error?.headers?.get('retry-after'))).toBeGreaterThan(0);
  });
});
