import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFits } from '../support/expect-fits.js';
import { startGateway, type GatewayHarness } from './support/gateway-harness.js';
import { dialectTargets, type DialectFixture } from './support/dialect-targets.js';

const pricing = { inputPerMillion: 2, outputPerMillion: 8 };
const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false },
  strict: true,
};

/** `POST /v1/responses` through the official openai SDK (`client.responses`), against every target kind. */
describe.each(dialectTargets)('Responses API over $kind targets', (target) => {
  let fixture: DialectFixture;
  let gateway: GatewayHarness;
  let client: OpenAI;

  beforeAll(async () => {
    fixture = await target.start();
    gateway = await startGateway({ deployments: [fixture.deployment('model', { pricing })] });
    client = gateway.client((await gateway.createKey()).key);
  });

  afterAll(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  const sampling = { temperature: 0, max_output_tokens: 24 };

  it('answers a Response with its text, usage, request id and overhead, recorded as a responses request', async () => {
    const { data: response, response: http } = await client.responses
      .create({ model: 'model', instructions: 'Be brief', input: 'hello responses', ...sampling })
      .withResponse();
    expect(response).toMatchObject({ object: 'response', model: 'model', store: false, previous_response_id: null });
    expect(response.id).toBe(`resp_${http.headers.get('x-request-id')}`);
    expect(response.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
    expect(Number(http.headers.get('x-devup-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const usage = response.usage!;
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    const log = await gateway.lastLog();
    expect(log).toMatchObject({
      operation: 'responses',
      deployment: 'model',
      stream: false,
      status: 200,
      prompt_tokens: usage.input_tokens,
      completion_tokens: usage.output_tokens,
    });
    expect(log.cost_usd).toBeCloseTo((usage.input_tokens * 2 + usage.output_tokens * 8) / 1e6, 12);
    if (target.echoes) {
      expect(response.status).toBe('completed');
      expect(response.output_text).toBe('Echo: hello responses');
      expect(usage).toMatchObject({ input_tokens: 4, output_tokens: 3 });
    } else {
      // The same prompt through chat completions: the translation must not change the answer.
      const chat = await client.chat.completions.create({
        model: 'model',
        messages: [
          { role: 'system', content: 'Be brief' },
          { role: 'user', content: 'hello responses' },
        ],
        temperature: 0,
        max_tokens: 24,
      });
      expect(response.output_text).toBe(chat.choices[0].message.content);
      expect(usage).toMatchObject({ input_tokens: chat.usage!.prompt_tokens, output_tokens: chat.usage!.completion_tokens });
      expect(response.status).toBe(chat.choices[0].finish_reason === 'length' ? 'incomplete' : 'completed');
      if (response.status === 'incomplete') expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    }
  });

  it('streams typed events in order with consecutive sequence numbers, the text and the usage at the end', async () => {
    const stream = await client.responses.create({
      model: 'model',
      input: [{ role: 'user', content: 'stream these words' }],
      ...sampling,
      stream: true,
    });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const types = events.map((event) => event.type);
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    expect(types.slice(-4, -1)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done']);
    const last = events.at(-1)!;
    expect(['response.completed', 'response.incomplete']).toContain(last.type);
    const final = (last as { response: OpenAI.Responses.Response }).response;
    const text = events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : [])).join('');
    expect(final.output).toEqual([
      expect.objectContaining({ type: 'message', status: 'completed', content: [expect.objectContaining({ type: 'output_text', text })] }),
    ]);
    expect(events.find((event) => event.type === 'response.output_text.done')).toMatchObject({ text });
    if (target.echoes) {
      expect(text).toBe('Echo: stream these words');
      expect(final.usage).toMatchObject({ input_tokens: 3, output_tokens: 4 });
    }
    expect(final.usage!.output_tokens).toBeGreaterThan(0);
    const log = await gateway.lastLog();
    expect(log).toMatchObject({ operation: 'responses', stream: true, status: 200, completion_tokens: final.usage!.output_tokens });
    expect(log.ttft_ms).toBeGreaterThan(0);
  });

  // Greedy, and room to close what the grammar opened: the engine's answers here are the same every run.
  const held = { temperature: 0, max_output_tokens: 160 };

  it('runs a function tool round trip, whole and streamed', async () => {
    if (!target.tools) return;
    const input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: 'weather in Paris' }];
    const first = await client.responses.create({ model: 'model', input, tools: [weatherTool], tool_choice: 'required', ...held });
    expect(first.status).toBe('completed');
    // One call; the Anthropic peer writes a text block before it, as Claude may.
    expect(first.output.filter((item) => item.type !== 'message').map((item) => item.type)).toEqual(['function_call']);
    const call = first.output.find((item) => item.type === 'function_call')!;
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed', call_id: expect.any(String) });
    expectFits(weatherTool.parameters, JSON.parse(call.arguments));
    if (target.echoes) expect(JSON.parse(call.arguments)).toEqual({ text: 'weather in Paris' });

    const second = await client.responses.create({
      model: 'model',
      input: [...input, ...first.output, { type: 'function_call_output', call_id: call.call_id, output: 'sunny and warm' }],
      tools: [weatherTool],
      ...held,
    });
    // The call and its result are part of the prompt.
    expect(second.usage!.input_tokens).toBeGreaterThan(first.usage!.input_tokens);
    if (target.echoes) expect(second.output_text).toBe('Echo: sunny and warm');
    else if (second.status === 'completed') {
      // auto: a text answer, or another call that names the tool and fits it.
      for (const item of second.output) {
        if (item.type === 'function_call') expectFits(weatherTool.parameters, JSON.parse(item.arguments));
        else expect(item.type).toBe('message');
      }
    }

    const stream = await client.responses.create({
      model: 'model',
      input,
      tools: [weatherTool],
      tool_choice: { type: 'function', name: 'get_weather' },
      stream: true,
      ...held,
    });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const deltas = events.flatMap((event) => (event.type === 'response.function_call_arguments.delta' ? [event.delta] : [])).join('');
    expectFits(weatherTool.parameters, JSON.parse(deltas));
    if (target.echoes) expect(JSON.parse(deltas)).toEqual({ text: 'weather in Paris' });
    const done = events.find((event) => event.type === 'response.output_item.done' && event.item.type === 'function_call');
    expect(done).toMatchObject({ item: { name: 'get_weather', arguments: deltas, status: 'completed' } });
    expect(events.at(-1)!.type).toBe('response.completed');
  });

  it('answers text.format json_schema with a document that fits the schema, whole and streamed', async () => {
    if (!target.jsonSchema) return;
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
      required: ['city', 'days'],
      additionalProperties: false,
    };
    const format = { type: 'json_schema' as const, name: 'forecast', schema, strict: true };
    const response = await client.responses.create({ model: 'model', input: 'forecast for Paris', text: { format }, ...held });
    expect(response.status).toBe('completed');
    expect(response.output.map((item) => item.type)).toEqual(['message']);
    const document = JSON.parse(response.output_text);
    expectFits(schema, document);
    if (target.echoes) expect(document).toEqual({ city: 'forecast for Paris', days: 3 });
    expect(response.text?.format).toMatchObject({ type: 'json_schema', name: 'forecast' });
    if (target.formatSent)
      expect(fixture.peer!.requests.at(-1)!.body).toMatchObject(target.formatSent({ name: 'forecast', schema, strict: true }));

    const stream = await client.responses.create({ model: 'model', input: 'forecast for Paris', text: { format }, stream: true, ...held });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const text = events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : [])).join('');
    expectFits(schema, JSON.parse(text));
    expect(text).toBe(response.output_text);
    expect(events.at(-1)).toMatchObject({ type: 'response.completed', response: { output: [{ type: 'message', content: [{ text }] }] } });
  });

  it('ends a stream that breaks midway with an error event and response.failed, recorded as a failure', async () => {
    if (!fixture.peer) return;
    fixture.peer.queue({ errorAfterChunks: 1, message: 'broke midway' });
    const stream = await client.responses.create({ model: 'model', input: 'one two three four', stream: true });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.at(-2)).toMatchObject({ type: 'error', message: expect.stringContaining('broke midway') });
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      response: { status: 'failed', error: { message: expect.stringContaining('broke midway') } },
    });
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(await gateway.lastLog()).toMatchObject({ operation: 'responses', stream: true, status: 200, error_code: expect.any(String) });
  });

  it('refuses bad input with an OpenAI error before any limit is charged or the upstream is called', async () => {
    const limited = gateway.client((await gateway.createKey({ limits: { requestsPerMinute: 1 } })).key);
    const upstreamRequests = fixture.peer?.requests.length;
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
      );

    const stateful = await failure(limited.responses.create({ model: 'model', input: 'again', previous_response_id: 'resp_earlier' }));
    expect(stateful).toBeInstanceOf(OpenAI.BadRequestError);
    expect(stateful?.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', param: 'previous_response_id' });
    expect(stateful?.message).toContain('stateless');

    const missing = await failure(limited.responses.create({ model: 'model', instructions: 'no input' }));
    expect(missing).toBeInstanceOf(OpenAI.BadRequestError);
    expect(missing?.param).toBe('input');

    const reference = await failure(limited.responses.create({ model: 'model', input: [{ type: 'item_reference', id: 'msg_earlier' }] }));
    expect(reference?.message).toContain('store = false');

    const builtIn = await failure(limited.responses.create({ model: 'model', input: 'x', tools: [{ type: 'web_search' }] }));
    expect(builtIn?.message).toContain('only function tools are supported');

    expect(fixture.peer?.requests.length).toBe(upstreamRequests);
    await limited.responses.create({ model: 'model', input: 'the one allowed request', max_output_tokens: 4 });
    const limitedOut = await failure(limited.responses.create({ model: 'model', input: 'one too many', max_output_tokens: 4 }));
    expect(limitedOut).toBeInstanceOf(OpenAI.RateLimitError);
  });
});
