import Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expectFits } from '../support/expect-fits.js';
import { startGateway, type GatewayHarness } from './support/gateway-harness.js';
import { dialectTargets, type DialectFixture } from './support/dialect-targets.js';

const weatherTool = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: { type: 'object' as const, properties: { text: { type: 'string' } }, required: ['text'] },
};

/** `POST /v1/messages` and `/v1/messages/count_tokens` through the official Anthropic SDK, against every target kind. */
describe.each(dialectTargets)('Messages API over $kind targets', (target) => {
  let fixture: DialectFixture;
  let gateway: GatewayHarness;
  let key: string;
  let client: Anthropic;
  const anthropic = (apiKey: string) => new Anthropic({ apiKey, baseURL: gateway.url, maxRetries: 0, timeout: 20_000 });

  beforeAll(async () => {
    fixture = await target.start();
    gateway = await startGateway({ deployments: [fixture.deployment('model', { pricing: { inputPerMillion: 3, outputPerMillion: 15 } })] });
    ({ key } = await gateway.createKey({ deployments: ['model'] }));
    client = anthropic(key);
  });

  afterAll(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  const prompt = {
    model: 'model',
    max_tokens: 24,
    temperature: 0,
    system: 'Be brief',
    messages: [
      {
        role: 'user' as const,
        content: [
          { type: 'text' as const, text: 'hello' },
          { type: 'text' as const, text: 'messages' },
        ],
      },
    ],
  };

  it('answers a Message with x-api-key, system and multi-part content, recorded as a messages request', async () => {
    const { data: message, response } = await client.messages.create(prompt).withResponse();
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'model', stop_sequence: null });
    expect(message.id).toBe(`msg_${response.headers.get('x-request-id')}`);
    expect(Number(response.headers.get('x-devup-overhead-ms'))).toBeGreaterThanOrEqual(0);
    expect(message.content[0].type).toBe('text');
    const text = (message.content[0] as Anthropic.TextBlock).text;
    if (target.echoes) {
      expect(text).toBe('Echo: hello messages');
      expect(message.stop_reason).toBe('end_turn');
      expect(message.usage).toMatchObject({ input_tokens: 4, output_tokens: 3 });
    }
    const log = await gateway.lastLog();
    expect(log).toMatchObject({
      operation: 'messages',
      deployment: 'model',
      stream: false,
      status: 200,
      prompt_tokens: message.usage.input_tokens,
      completion_tokens: message.usage.output_tokens,
    });
    expect(log.cost_usd).toBeCloseTo((message.usage.input_tokens * 3 + message.usage.output_tokens * 15) / 1e6, 12);
    if (!target.echoes) {
      // The same prompt through chat completions: the translation must not change the answer.
      const openai = gateway.client(key);
      const chat = await openai.chat.completions.create({
        model: 'model',
        max_tokens: 24,
        temperature: 0,
        messages: [
          { role: 'system', content: 'Be brief' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'hello' },
              { type: 'text', text: 'messages' },
            ],
          },
        ],
      });
      expect(text).toBe(chat.choices[0].message.content);
      expect(message.stop_reason).toBe(chat.choices[0].finish_reason === 'length' ? 'max_tokens' : 'end_turn');
      expect(message.usage.output_tokens).toBe(chat.usage!.completion_tokens);
    }
  });

  it('streams Anthropic’s events: message_start, one block’s deltas, message_delta with the usage, message_stop', async () => {
    const stream = client.messages.stream({ ...prompt, messages: [{ role: 'user', content: 'stream these words' }] });
    const types: string[] = [];
    let text = '';
    let startUsage: Anthropic.Usage | undefined;
    stream.on('streamEvent', (event) => {
      types.push(event.type);
      // A copy: the SDK adds message_delta's counts to the message_start snapshot in place.
      if (event.type === 'message_start') startUsage = { ...event.message.usage };
    });
    stream.on('text', (delta) => {
      text += delta;
    });
    const message = await stream.finalMessage();
    expect(types.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(message.content).toEqual([{ type: 'text', text }]);
    if (target.echoes) {
      expect(text).toBe('Echo: stream these words');
      expect(message.usage).toMatchObject({ input_tokens: 5, output_tokens: 4 });
    }
    const log = await gateway.lastLog();
    expect(log).toMatchObject({
      operation: 'messages',
      stream: true,
      status: 200,
      prompt_tokens: message.usage.input_tokens,
      completion_tokens: message.usage.output_tokens,
    });
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    // As Anthropic's own: message_start tells the input tokens where the target knows them by then (Claude Code reads them there).
    expect(startUsage?.input_tokens).toBe(target.promptTokensFirst ? message.usage.input_tokens : 0);
    if (target.promptTokensFirst) expect(startUsage?.input_tokens).toBeGreaterThan(0);
  });

  it('runs a tool round trip, whole and streamed', async () => {
    if (!target.tools) return;
    const question = { role: 'user' as const, content: 'weather in Paris' };
    // Greedy, and room to close what the grammar opened: the engine's answers here are the same every run.
    const held = { model: 'model', max_tokens: 160, temperature: 0 };
    const first = await client.messages.create({
      ...held,
      messages: [question],
      tools: [weatherTool],
      tool_choice: { type: 'tool', name: 'get_weather' },
    });
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((block) => block.type === 'tool_use')!;
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'get_weather', id: expect.any(String) });
    expectFits(weatherTool.input_schema, toolUse.input);
    if (target.echoes) expect(toolUse).toMatchObject({ name: 'get_weather', input: { text: 'weather in Paris' } });

    const second = await client.messages.create({
      ...held,
      tools: [weatherTool],
      messages: [
        question,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'sunny and warm' }] },
      ],
    });
    // The call and its result are part of the prompt.
    expect(second.usage.input_tokens).toBeGreaterThan(first.usage.input_tokens);
    if (target.echoes) {
      expect(second.content).toEqual([{ type: 'text', text: 'Echo: sunny and warm' }]);
      expect(second.stop_reason).toBe('end_turn');
    } else if (second.stop_reason !== 'max_tokens') {
      // auto: a text answer, or another call that names the tool and fits it.
      for (const block of second.content) {
        if (block.type === 'tool_use') expectFits(weatherTool.input_schema, block.input);
        else expect(block.type).toBe('text');
      }
      expect(second.stop_reason).toBe(second.content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn');
    }

    const stream = client.messages.stream({ ...held, messages: [question], tools: [weatherTool], tool_choice: { type: 'any' } });
    let partialJson = '';
    stream.on('inputJson', (delta) => {
      partialJson += delta;
    });
    const streamed = await stream.finalMessage();
    expect(streamed.stop_reason).toBe('tool_use');
    const streamedUse = streamed.content.find((block) => block.type === 'tool_use')!;
    expect(streamedUse).toMatchObject({ name: 'get_weather' });
    expect(JSON.parse(partialJson)).toEqual(streamedUse.input);
    expectFits(weatherTool.input_schema, streamedUse.input);
    if (target.echoes) expect(streamedUse.input).toEqual({ text: 'weather in Paris' });
  });

  it('answers output_config.format with JSON that fits the schema, whole, streamed and parsed by the SDK', async () => {
    if (!target.jsonSchema) return;
    const schema = {
      type: 'object' as const,
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
      required: ['city', 'days'],
      additionalProperties: false,
    };
    const ask = { model: 'model', max_tokens: 160, temperature: 0, messages: [{ role: 'user' as const, content: 'forecast for Paris' }] };
    const message = await client.messages.create({ ...ask, output_config: { format: { type: 'json_schema', schema } } });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content.map((block) => block.type)).toEqual(['text']);
    const text = (message.content[0] as Anthropic.TextBlock).text;
    expectFits(schema, JSON.parse(text));
    if (target.echoes) expect(JSON.parse(text)).toEqual({ city: 'forecast for Paris', days: 3 });
    if (target.formatSent) expect(fixture.peer!.requests.at(-1)!.body).toMatchObject(target.formatSent({ name: 'output', schema }));

    const streamed = await client.messages.stream({ ...ask, output_config: { format: { type: 'json_schema', schema } } }).finalMessage();
    expect(streamed.stop_reason).toBe('end_turn');
    expect(streamed.content).toEqual([{ type: 'text', text }]);

    const forecast = z.object({ city: z.string(), days: z.number().int() });
    const parsed = await client.messages.parse({ ...ask, output_config: { format: zodOutputFormat(forecast) } });
    expect(forecast.parse(parsed.parsed_output)).toEqual(parsed.parsed_output);
  });

  it('says stop_reason max_tokens when the answer was cut', async () => {
    const message = await client.messages.create({ ...prompt, max_tokens: 2 });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBeLessThanOrEqual(2);
  });

  it('counts tokens where the target can, as its answer then counts them; refuses in Anthropic’s shape where it cannot', async () => {
    const { max_tokens: _unused, temperature: _alsoUnused, ...countable } = prompt;
    if (!target.countsTokens) {
      const error = await client.messages.countTokens(countable).then(
        () => undefined,
        (caught: unknown) => caught as InstanceType<typeof Anthropic.APIError>,
      );
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect(error?.error).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringContaining('cannot count tokens') },
      });
      return;
    }
    const counted = await client.messages.countTokens(countable);
    const answered = await client.messages.create(prompt);
    expect(counted.input_tokens).toBe(answered.usage.input_tokens);
    const log = await gateway.admin('GET', '/api/logs?limit=2');
    const records = ((await log.json()) as { data: Array<Record<string, unknown>> }).data;
    expect(records[1]).toMatchObject({ operation: 'count_tokens', status: 200, prompt_tokens: 0, completion_tokens: 0 });
  });

  it('writes every error in Anthropic’s shape with its type, before any limit is charged or the upstream is called', async () => {
    const raw = async (body: unknown, headers: Record<string, string> = { 'x-api-key': key }) => {
      const response = await fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const upstreamRequests = fixture.peer?.requests.length;
    const { max_tokens: _unused, ...withoutMaxTokens } = prompt;

    const missing = await raw(withoutMaxTokens);
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'Invalid request: max_tokens: Field required' },
      request_id: expect.any(String),
    });
    expect((await raw('{not json')).body.error.type).toBe('invalid_request_error');
    expect((await raw({ ...prompt, tools: [{ type: 'web_search_20250305', name: 'web_search' }] })).body.error.message).toContain(
      'only client tools',
    );
    expect(await raw(prompt, { 'x-api-key': 'devup-not-a-key' })).toMatchObject({
      status: 401,
      body: { error: { type: 'authentication_error' } },
    });
    expect(await raw({ ...prompt, model: 'no-such-model' })).toMatchObject({ status: 404, body: { error: { type: 'not_found_error' } } });
    expect(fixture.peer?.requests.length).toBe(upstreamRequests);

    const limited = anthropic((await gateway.createKey({ limits: { requestsPerMinute: 1 } })).key);
    await expect(limited.messages.create(withoutMaxTokens as never)).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await limited.messages.create({ ...prompt, max_tokens: 4 });
    const limitedOut = await limited.messages.create({ ...prompt, max_tokens: 4 }).then(
      () => undefined,
      (caught: unknown) => caught as InstanceType<typeof Anthropic.APIError>,
    );
    expect(limitedOut).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limitedOut?.error).toMatchObject({ error: { type: 'rate_limit_error' } });
  });

  it('passes upstream failures on in Anthropic’s shape, and ends a broken stream with an error event', async () => {
    if (!fixture.peer) return;
    fixture.peer.queue({ status: 500, message: 'upstream exploded' }, 3);
    const failed = await client.messages.create(prompt).then(
      () => undefined,
      (caught: unknown) => caught as InstanceType<typeof Anthropic.APIError>,
    );
    expect(failed).toBeInstanceOf(Anthropic.InternalServerError);
    expect(failed?.status).toBe(502);
    expect(failed?.error).toMatchObject({ type: 'error', error: { type: 'api_error' } });

    fixture.peer.queue({ errorAfterChunks: 1, message: 'broke midway' });
    const stream = client.messages.stream({ ...prompt, messages: [{ role: 'user', content: 'one two three four' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/broke midway/);
    const log = await gateway.lastLog();
    expect(log).toMatchObject({ operation: 'messages', stream: true, status: 200, error_code: expect.any(String) });
  });
});
