import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expectFits } from '../support/expect-fits.js';
import { startGateway, type GatewayHarness } from './support/gateway-harness.js';
import { dialectTargets, type DialectFixture } from './support/dialect-targets.js';

/**
 * The Vercel AI SDK's OpenAI provider pointed at DevUp, as users configure it (`baseURL` with
 * `/v1`). `openai(model)` speaks the Responses API; `openai.chat(model)` chat completions.
 */
describe.each(dialectTargets)('Vercel AI SDK over $kind targets', (target) => {
  let fixture: DialectFixture;
  let gateway: GatewayHarness;
  let openai: ReturnType<typeof createOpenAI>;
  /** The bodies the SDK sent, last one last. */
  const sent: Array<Record<string, any>> = [];

  beforeAll(async () => {
    fixture = await target.start();
    gateway = await startGateway({ deployments: [fixture.deployment('model')] });
    openai = createOpenAI({
      apiKey: (await gateway.createKey()).key,
      baseURL: `${gateway.url}/v1`,
      fetch: (url, init) => {
        if (typeof init?.body === 'string') sent.push(JSON.parse(init.body));
        return fetch(url, init);
      },
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  const settings = { maxRetries: 0, temperature: 0, maxOutputTokens: 24 };

  it('generateText answers through the Responses API with its usage, as through chat completions', async () => {
    const result = await generateText({ model: openai('model'), system: 'Be brief', prompt: 'hello sdk', ...settings });
    expect(await gateway.lastLog()).toMatchObject({ operation: 'responses', status: 200, completion_tokens: result.usage.outputTokens });
    const chat = await generateText({ model: openai.chat('model'), system: 'Be brief', prompt: 'hello sdk', ...settings });
    expect(result.text).toBe(chat.text);
    expect(result.usage.inputTokens).toBe(chat.usage.inputTokens);
    expect(result.usage.outputTokens).toBe(chat.usage.outputTokens);
    if (target.echoes) expect(result.text).toBe('Echo: hello sdk');
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('streamText streams the same text', async () => {
    const whole = await generateText({ model: openai('model'), prompt: 'stream for the sdk', ...settings });
    const result = streamText({ model: openai('model'), prompt: 'stream for the sdk', ...settings });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(whole.text);
    expect((await result.usage).outputTokens).toBe(whole.usage.outputTokens);
  });

  it('calls a tool and answers with its result in a second step', async () => {
    if (!target.tools) return;
    const weather = z.object({ text: z.string() });
    const result = await generateText({
      model: openai('model'),
      prompt: 'weather in Paris',
      tools: {
        get_weather: tool({
          description: 'The weather in a city',
          inputSchema: weather,
          execute: async ({ text }) => `sunny in ${text}`,
        }),
      },
      stopWhen: stepCountIs(2),
      prepareStep: ({ stepNumber }) => ({ toolChoice: stepNumber === 0 ? 'required' : 'auto' }),
      // DevUp keeps no responses: the second step must send the first one's items, not refer to them by id.
      providerOptions: { openai: { store: false } },
      // Greedy, and room to close what the grammar opened: the engine's answers here are the same every run.
      temperature: 0,
      maxOutputTokens: 160,
      maxRetries: 0,
    });
    const [first, second] = result.steps;
    expect(first.finishReason).toBe('tool-calls');
    expect(first.toolCalls).toMatchObject([{ toolName: 'get_weather' }]);
    const input = weather.parse(first.toolCalls[0].input);
    expect(input).toEqual(first.toolCalls[0].input);
    expect(first.toolResults).toMatchObject([{ toolName: 'get_weather', output: `sunny in ${input.text}` }]);
    // The second step sent the call and its output back, as items.
    expect(sent.at(-1)!.input).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'function_call', name: 'get_weather' }),
        expect.objectContaining({ type: 'function_call_output' }),
      ]),
    );
    expect(second.usage.inputTokens).toBeGreaterThan(first.usage.inputTokens!);
    if (target.echoes) {
      expect(result.steps[0].toolCalls).toMatchObject([{ toolName: 'get_weather', input: { text: 'weather in Paris' } }]);
      expect(result.text).toBe('Echo: sunny in weather in Paris');
    }
  });

  it('generateObject returns an object that fits a zod schema, asked for as a json_schema text format', async () => {
    if (!target.jsonSchema) return;
    const forecast = z.object({ city: z.string(), days: z.number().int(), sunny: z.boolean() });
    const { object, finishReason } = await generateObject({
      model: openai('model'),
      schema: forecast,
      prompt: 'forecast for Paris',
      temperature: 0,
      maxOutputTokens: 160,
      maxRetries: 0,
    });
    expect(finishReason).toBe('stop');
    expect(forecast.parse(object)).toEqual(object);
    const format = sent.at(-1)!.text.format;
    expect(format).toMatchObject({ type: 'json_schema', name: expect.any(String), schema: expect.any(Object) });
    expectFits(format.schema, object);
    if (target.echoes) expect(object).toEqual({ city: 'forecast for Paris', days: 3, sunny: true });
    if (target.formatSent)
      expect(fixture.peer!.requests.at(-1)!.body).toMatchObject(target.formatSent({ name: format.name, schema: format.schema }));
  });
});
