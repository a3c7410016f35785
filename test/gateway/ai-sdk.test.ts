import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
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

  beforeAll(async () => {
    fixture = await target.start();
    gateway = await startGateway({ deployments: [fixture.deployment('model')] });
    openai = createOpenAI({ apiKey: (await gateway.createKey()).key, baseURL: `${gateway.url}/v1` });
  });

  afterAll(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  const settings = { maxRetries: 0, temperature: 0, maxOutputTokens: 24 };

  it('generateText answers through the Responses API with its usage, as through chat completions', async () => {
    const result = await generateText({ model: openai('model'), system: 'Be brief', prompt: 'hello sdk', ...settings });
    const log = await (await gateway.admin('GET', '/api/logs?limit=1')).json();
    expect(log.data[0]).toMatchObject({ operation: 'responses', status: 200, completion_tokens: result.usage.outputTokens });
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
    const result = await generateText({
      model: openai('model'),
      prompt: 'weather in Paris',
      tools: {
        get_weather: tool({
          description: 'The weather in a city',
          inputSchema: z.object({ text: z.string() }),
          execute: async ({ text }) => `sunny in ${text}`,
        }),
      },
      stopWhen: stepCountIs(2),
      prepareStep: ({ stepNumber }) => ({ toolChoice: stepNumber === 0 ? 'required' : 'auto' }),
      // DevUp keeps no responses: the second step must send the first one's items, not refer to them by id.
      providerOptions: { openai: { store: false } },
      maxRetries: 0,
    });
    expect(result.steps[0].toolCalls).toMatchObject([{ toolName: 'get_weather', input: { text: 'weather in Paris' } }]);
    expect(result.text).toBe('Echo: sunny in weather in Paris');
  });

  it('generateObject returns an object that fits a zod schema', async () => {
    if (!target.jsonSchema) return;
    const { object } = await generateObject({
      model: openai('model'),
      schema: z.object({ city: z.string(), days: z.number().int(), sunny: z.boolean() }),
      prompt: 'forecast for Paris',
      maxRetries: 0,
    });
    expect(object).toEqual({ city: 'forecast for Paris', days: 3, sunny: true });
    expect(fixture.peer!.requests.at(-1)!.body.response_format).toMatchObject({ type: 'json_schema' });
  });
});
