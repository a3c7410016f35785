import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayHarness } from '../gateway/support/gateway-harness.js';
import { startEmbedded, type StartedEmbedded } from './support/embedded-deployment.js';
import { writeWithChatTemplate } from './support/with-chat-template.js';
import { expectFits } from '../support/expect-fits.js';
import { storiesPath } from '../support/fixtures.js';

const person = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer', minimum: 1, maximum: 120 },
    mood: { type: 'string', enum: ['happy', 'sad', 'calm'] },
    friends: { type: 'array', items: { type: 'string' } },
  },
  required: ['name', 'age', 'mood', 'friends'],
  additionalProperties: false,
};
const weather = {
  type: 'object',
  properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
  required: ['city', 'unit'],
  additionalProperties: false,
};
const add = {
  type: 'object',
  properties: { a: { type: 'integer', minimum: -100, maximum: 100 }, b: { type: 'integer' } },
  required: ['a', 'b'],
  additionalProperties: false,
};
const tools: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', description: 'The weather in a city', parameters: weather, strict: true } },
  { type: 'function', function: { name: 'add', description: 'Adds two integers', parameters: add } },
];
const parametersOf: Record<string, object> = { get_weather: weather, add };

const chatml =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-structured-'));
const templated = path.join(directory, 'stories-chatml.gguf');

/**
 * Tools and structured output on the embedded engine, through the gateway with the official
 * openai SDK, on stories260K, a model far too small to write JSON on its own: everything it
 * writes here is held by the grammar. Looped over the two ways a chat reaches the model: the
 * transcript fallback (no chat template) and a GGUF chat template.
 */
describe.each([
  { variant: 'transcript fallback', file: () => storiesPath },
  {
    variant: 'chat template',
    file: () => {
      writeWithChatTemplate(storiesPath, templated, chatml);
      return templated;
    },
  },
  // Generous: a busy 2-core machine decodes these prompts (hundreds of tokens of tool definitions) slowly.
])('tools and structured output on the embedded engine ($variant)', { timeout: 120_000 }, ({ file }) => {
  let stories: StartedEmbedded;
  let gateway: GatewayHarness;
  let client: OpenAI;
  const agent = new Agent();
  const ask = { model: 'stories', temperature: 1, max_tokens: 200 } as const;

  beforeAll(async () => {
    stories = await startEmbedded('stories', { file: file(), parallel: 8, contextSize: 1024, queueSize: 32 });
    gateway = await startGateway({ deployments: [stories.deployment] });
    client = new OpenAI({
      apiKey: (await gateway.createKey()).key,
      baseURL: `${gateway.url}/v1`,
      maxRetries: 0,
      timeout: 60_000,
      fetchOptions: { dispatcher: agent },
    });
  });

  afterAll(async () => {
    await agent.close();
    await gateway?.stop();
    await stories?.stop();
  });

  it('answers json_schema requests that always parse and validate (20 seeds, temperature 1)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        client.chat.completions.create({
          ...ask,
          seed: index + 1,
          messages: [{ role: 'user', content: 'Tell me about a person.' }],
          response_format: { type: 'json_schema', json_schema: { name: 'person', schema: person, strict: true } },
        }),
      ),
    );
    for (const answer of answers) {
      expect(answer.choices[0].finish_reason).toBe('stop');
      expectFits(person, JSON.parse(answer.choices[0].message.content!));
    }
    // The seeds differ, so do the answers: the model writes them, the grammar only holds them.
    expect(new Set(answers.map((answer) => answer.choices[0].message.content)).size).toBeGreaterThan(10);
  });

  it('answers json_object requests with a JSON object, whole and streamed', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        client.chat.completions.create({
          ...ask,
          seed: index + 1,
          messages: [{ role: 'user', content: 'Answer in JSON.' }],
          response_format: { type: 'json_object' },
        }),
      ),
    );
    for (const answer of answers) {
      const value = JSON.parse(answer.choices[0].message.content!);
      expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
    }
    const stream = await client.chat.completions.create({
      ...ask,
      seed: 3,
      messages: [{ role: 'user', content: 'Answer in JSON.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema: person } },
      stream: true,
    });
    let content = '';
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    expectFits(person, JSON.parse(content));
  });

  it('calls a tool when tool_choice is required or names one, with arguments that validate', async () => {
    const required = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        client.chat.completions.create({
          ...ask,
          seed: index + 1,
          messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
          tools,
          tool_choice: 'required',
        }),
      ),
    );
    const named = await client.chat.completions.create({
      ...ask,
      seed: 1,
      messages: [{ role: 'user', content: 'What is 2 and 3?' }],
      tools,
      tool_choice: { type: 'function', function: { name: 'add' } },
    });
    for (const answer of [...required, named]) {
      const [choice] = answer.choices;
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content).toBeNull();
      expect(choice.message.tool_calls).toHaveLength(1);
      const call = choice.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
      expect(call).toMatchObject({ id: expect.stringMatching(/^call_/), type: 'function' });
      expectFits(parametersOf[call.function.name], JSON.parse(call.function.arguments));
    }
    expect((named.choices[0].message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall).function.name).toBe('add');
  });

  it('streams a tool call in OpenAI’s chunk shape, which the SDK’s stream helper puts back together', async () => {
    const stream = client.chat.completions.stream({
      ...ask,
      seed: 5,
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const deltas: OpenAI.ChatCompletionChunk.Choice.Delta[] = [];
    let parsed: unknown;
    stream.on('tool_calls.function.arguments.done', (event) => (parsed = event.parsed_arguments));
    for await (const chunk of stream) if (chunk.choices[0]) deltas.push(chunk.choices[0].delta);
    const final = await stream.finalChatCompletion();

    const calls = deltas.flatMap((delta) => delta.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ role: 'assistant', content: null });
    expect(calls[0]).toEqual({
      index: 0,
      id: expect.stringMatching(/^call_/),
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    const pieces = calls.slice(1).map((call) => {
      expect(call).toEqual({ index: 0, function: { arguments: expect.any(String) } });
      return call.function!.arguments!;
    });
    expect(pieces.length).toBeGreaterThan(1);

    const [choice] = final.choices;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.id).toBe(calls[0].id);
    expect(call.function.arguments).toBe(pieces.join(''));
    expectFits(weather, JSON.parse(call.function.arguments));
    // The strict tool's arguments were parsed by the helper itself.
    expect(parsed).toEqual(JSON.parse(call.function.arguments));
  });

  it('answers in text with tool_choice none, and either way with auto', async () => {
    const none = await client.chat.completions.create({
      ...ask,
      seed: 1,
      max_tokens: 24,
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools,
      tool_choice: 'none',
    });
    expect(none.choices[0].message.tool_calls).toBeUndefined();
    expect(none.choices[0].message.content!.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(none.choices[0].finish_reason);

    const auto = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        client.chat.completions.create({ ...ask, seed: index + 1, max_tokens: 60, messages: [{ role: 'user', content: 'Hello!' }], tools }),
      ),
    );
    for (const answer of auto) {
      const [choice] = answer.choices;
      if (choice.finish_reason === 'tool_calls') {
        const call = choice.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
        expectFits(parametersOf[call.function.name], JSON.parse(call.function.arguments));
      } else {
        expect(choice.message.tool_calls).toBeUndefined();
        expect(choice.message.content!.trimStart().startsWith('{')).toBe(false);
      }
    }
  });

  it('takes a conversation with an assistant tool call and its tool result', async () => {
    const question: OpenAI.ChatCompletionMessageParam = { role: 'user', content: 'What is the weather in Paris?' };
    const call: OpenAI.ChatCompletionMessageParam = {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } }],
    };
    const result: OpenAI.ChatCompletionMessageParam = { role: 'tool', tool_call_id: 'call_1', content: '18 degrees and sunny' };
    const followUp = await client.chat.completions.create({ ...ask, seed: 1, max_tokens: 16, messages: [question, call, result], tools });
    const alone = await client.chat.completions.create({ ...ask, seed: 1, max_tokens: 16, messages: [question], tools });
    expect(followUp.choices[0].message.role).toBe('assistant');
    // The call and its result are in the prompt.
    expect(followUp.usage!.prompt_tokens).toBeGreaterThan(alone.usage!.prompt_tokens + 20);
  });

  it('refuses schemas the grammar cannot hold, naming the field', async () => {
    const refusal = async (body: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>) => {
      const error = await client.chat.completions
        .create({ ...ask, messages: [{ role: 'user', content: 'hi' }], ...body })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      return (error as InstanceType<typeof OpenAI.BadRequestError>).error as { param: string; message: string; code: string };
    };
    const pattern = await refusal({
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'code', schema: { type: 'object', properties: { code: { type: 'string', pattern: '^[A-Z]{3}$' } } } },
      },
    });
    expect(pattern).toMatchObject({ param: 'response_format.json_schema.schema', code: 'invalid_request' });
    expect(pattern.message).toContain('properties.code.pattern');

    const format = await refusal({
      tools: [
        tools[0],
        {
          type: 'function',
          function: { name: 'mail', parameters: { type: 'object', properties: { to: { type: 'string', format: 'email' } } } },
        },
      ],
    });
    expect(format.param).toBe('tools[1].function.parameters');
    expect(format.message).toContain('format');

    expect((await refusal({ tools, tool_choice: { type: 'function', function: { name: 'nope' } } })).param).toBe('tool_choice');
  });
});

afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));
