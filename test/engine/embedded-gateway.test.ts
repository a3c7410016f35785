import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedTarget } from '../../src/deploy/targets/embedded-target.js';
import { DevupError } from '../../src/errors.js';
import { startGateway, type GatewayHarness } from '../gateway/support/gateway-harness.js';
import { DirectReference } from './support/direct-reference.js';
import { startEmbedded, type StartedEmbedded } from './support/embedded-deployment.js';
import { storiesPath } from '../support/fixtures.js';

/** The transcript fallback of a one-message chat (stories260K has no chat template). */
const chatPrompt = (text: string) => `User: ${text}\nAssistant:`;
/** Sampling that was checked to run 1,000 tokens without an end of story (seeded, so always the same). */
const longRun = { prompt: 'Once upon a time', max_tokens: 1000, temperature: 1.5, seed: 2 };

describe('embedded engine through the gateway (openai SDK)', () => {
  let stories: StartedEmbedded;
  let tight: StartedEmbedded;
  let gateway: GatewayHarness;
  let client: OpenAI;
  let reference: DirectReference;
  // The SDK's connections, closed before the gateway stops so that no kept-alive socket delays its close.
  const agent = new Agent();

  beforeAll(async () => {
    [stories, tight, reference] = await Promise.all([
      startEmbedded('stories', { file: storiesPath, parallel: 8, contextSize: 256, queueSize: 16 }),
      startEmbedded('tight', { file: storiesPath, parallel: 1, contextSize: 1024, queueSize: 1 }),
      DirectReference.open(storiesPath),
    ]);
    gateway = await startGateway({ deployments: [stories.deployment, tight.deployment] });
    client = new OpenAI({
      apiKey: (await gateway.createKey()).key,
      baseURL: `${gateway.url}/v1`,
      maxRetries: 0,
      timeout: 20_000,
      fetchOptions: { dispatcher: agent },
    });
  });

  afterAll(async () => {
    await agent.close();
    await gateway?.stop();
    await Promise.all([stories?.stop(), tight?.stop(), reference?.close()]);
  });

  it('reported loading with progress and holds the model’s memory', () => {
    expect(stories.events[0]).toMatchObject({ type: 'state', state: 'loading' });
    expect(stories.events.some((event) => event.type === 'state' && event.message === 'loading weights 100%')).toBe(true);
    expect(stories.running.memoryBytes!()).toBeGreaterThan(fs.statSync(storiesPath).size);
  });

  it('completes text whole and streamed, with the engine’s own text and token counts', async () => {
    const expected = await reference.generate('Once upon a time', 24);
    const whole = await client.completions.create({ model: 'stories', prompt: 'Once upon a time', max_tokens: 24, temperature: 0 });
    expect(whole.object).toBe('text_completion');
    expect(whole.choices[0]).toMatchObject({ index: 0, text: expected.text, finish_reason: 'length' });
    expect(whole.usage).toEqual({ prompt_tokens: expected.promptTokens, completion_tokens: 24, total_tokens: expected.promptTokens + 24 });

    const stream = await client.completions.create({
      model: 'stories',
      prompt: 'Once upon a time',
      max_tokens: 24,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishReasons: Array<string | null> = [];
    let usage;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        text += choice.text;
        finishReasons.push(choice.finish_reason);
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(expected.text);
    expect(finishReasons.at(-1)).toBe('length');
    expect(usage).toEqual(whole.usage);
  });

  it('chats whole and streamed through the documented transcript fallback', async () => {
    const expected = await reference.generate(chatPrompt('Tell me a story about a cat.'), 20, ['\nUser:']);
    const request = {
      model: 'stories',
      messages: [{ role: 'user' as const, content: 'Tell me a story about a cat.' }],
      max_tokens: 20,
      temperature: 0,
    };
    const whole = await client.chat.completions.create(request);
    expect(whole.object).toBe('chat.completion');
    expect(whole.id).toMatch(/^chatcmpl-/);
    expect(whole.choices[0].message).toMatchObject({ role: 'assistant', content: expected.text });
    expect(whole.choices[0].finish_reason).toBe(expected.finishReason);
    expect(whole.usage).toMatchObject({ prompt_tokens: expected.promptTokens, completion_tokens: expected.completionTokens });

    const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(expected.text);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe(expected.finishReason);
    expect(chunks.at(-1)!).toMatchObject({ object: 'chat.completion.chunk', choices: [], usage: whole.usage });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);

    // Without include_usage the client gets no usage chunk.
    const plain = await client.chat.completions.create({ ...request, stream: true });
    const plainChunks = [];
    for await (const chunk of plain) plainChunks.push(chunk);
    expect(plainChunks.every((chunk) => chunk.choices.length === 1 && !chunk.usage)).toBe(true);
  });

  it('stops at a stop sequence, which never reaches the client, and honours max_tokens', async () => {
    const full = await reference.generate('Once upon a time', 40);
    const words = full.text.split(' ');
    const stop = ` ${words[5]}`;
    const expected = await reference.generate('Once upon a time', 40, [stop]);
    const stopped = await client.completions.create({
      model: 'stories',
      prompt: 'Once upon a time',
      max_tokens: 40,
      temperature: 0,
      stop: [stop, 'zzzz'],
    });
    expect(stopped.choices[0].text).toBe(expected.text);
    expect(stopped.choices[0].text).not.toContain(stop);
    expect(stopped.choices[0].finish_reason).toBe('stop');
    expect(stopped.usage!.completion_tokens).toBe(expected.completionTokens);

    const streamed = await client.completions.create({
      model: 'stories',
      prompt: 'Once upon a time',
      max_tokens: 40,
      temperature: 0,
      stop,
      stream: true,
    });
    let text = '';
    for await (const chunk of streamed) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(expected.text);

    for (const maxTokens of [1, 7]) {
      const short = await client.completions.create({
        model: 'stories',
        prompt: 'Once upon a time',
        max_tokens: maxTokens,
        temperature: 0,
      });
      expect(short.usage!.completion_tokens).toBe(maxTokens);
      expect(short.choices[0].finish_reason).toBe('length');
    }
  });

  it('gives the same text for the same seed and sampling parameters', async () => {
    const ask = (seed: number) =>
      client.completions.create({
        model: 'stories',
        prompt: 'Once upon a time',
        max_tokens: 32,
        temperature: 1.1,
        top_p: 0.95,
        seed,
        presence_penalty: 0.5,
        frequency_penalty: 0.3,
        top_k: 40,
      } as never) as Promise<OpenAI.Completion>;
    const [first, second, other] = await Promise.all([ask(7), ask(7), ask(8)]);
    expect(second.choices[0].text).toBe(first.choices[0].text);
    const greedy = await reference.generate('Once upon a time', 32);
    expect([first.choices[0].text, other.choices[0].text].some((text) => text !== greedy.text)).toBe(true);
  });

  it('decodes 8 concurrent streams together, each with its own right text', async () => {
    const prompts = ['Once upon a time', 'The dog', 'Lily was', 'One day, Tom', 'The sun', 'A little bird', 'Mom said', 'The big tree'];
    const expected = [];
    for (const prompt of prompts) expected.push(await reference.generate(prompt, 48));
    const texts = await Promise.all(
      prompts.map(async (prompt) => {
        const stream = await client.completions.create({ model: 'stories', prompt, max_tokens: 48, temperature: 0, stream: true });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
        return text;
      }),
    );
    expect(texts).toEqual(expected.map((entry) => entry.text));
  });

  it('frees the sequence at once when a client disconnects mid-stream', async () => {
    const controller = new AbortController();
    const stream = await client.completions.create({ model: 'tight', ...longRun, stream: true }, { signal: controller.signal });
    let chunks = 0;
    try {
      for await (const _chunk of stream) {
        if (++chunks === 3) controller.abort();
      }
    } catch (error) {
      expect((error as Error).name).toMatch(/Abort/);
    }
    expect(chunks).toBeLessThan(50);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // One sequence and one queue place: had the 1,000-token run kept its sequence, one of these would get 503.
    const [first, second] = await Promise.all([
      client.completions.create({ model: 'tight', prompt: 'The dog', max_tokens: 8, temperature: 0 }),
      client.completions.create({ model: 'tight', prompt: 'The cat', max_tokens: 8, temperature: 0 }),
    ]);
    expect(first.usage!.completion_tokens + second.usage!.completion_tokens).toBe(16);
  });

  it('answers 503 with Retry-After when every sequence is busy and the queue is full', async () => {
    const controller = new AbortController();
    // A stream holds the one sequence (a server notices a client that left when it writes to it) …
    const long = (async () => {
      const stream = await client.completions.create({ model: 'tight', ...longRun, stream: true }, { signal: controller.signal });
      for await (const _chunk of stream);
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // … a short request takes the one queue place …
    const queued = client.completions.create({ model: 'tight', prompt: 'The cat', max_tokens: 4, temperature: 0 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // … so the next one is turned away at once.
    const refused = await client.completions.create({ model: 'tight', prompt: 'The dog', max_tokens: 4 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    const apiError = refused as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(503);
    expect(apiError.headers?.get('retry-after')).toBe('1');
    expect(apiError.error).toMatchObject({ code: 'overloaded', type: 'api_error' });
    controller.abort();
    await long.catch(() => undefined);
    expect((await queued).usage!.completion_tokens).toBe(4);
  });

  it('embeds text (the SDK’s default base64 encoding and floats)', async () => {
    const result = await client.embeddings.create({ model: 'stories', input: ['Once upon a time', 'The dog ran'] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0].embedding).toHaveLength(64);
    expect(result.data[0].embedding.every((value) => Number.isFinite(value))).toBe(true);
    expect(result.usage.prompt_tokens).toBe(
      reference.promptTokens('Once upon a time').length + reference.promptTokens('The dog ran').length,
    );
    const floats = await client.embeddings.create({ model: 'stories', input: 'Once upon a time', encoding_format: 'float' });
    expect(floats.data[0].embedding.map((value) => Math.fround(value))).toEqual(result.data[0].embedding);
  });

  it('refuses fields OpenAI allows but the engine cannot honour, listing each', async () => {
    // temperature 5 would not get this far: the gateway refuses it at the door for every target.
    const error = await client.completions
      .create({ model: 'stories', prompt: 'x', temperature: 1.5, n: 2, max_tokens: 0 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const body = (error as InstanceType<typeof OpenAI.BadRequestError>).error as { details: Array<{ path: string }> };
    expect(body.details.map((detail) => detail.path).sort()).toEqual(['max_tokens', 'n']);
  });
});

describe('embedded target lifecycle', () => {
  it('refuses a file that is not GGUF or is truncated when the spec is parsed', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-bad-gguf-'));
    try {
      const target = createEmbeddedTarget({ config: { dataDir: directory, engineThreads: 1 } });
      fs.mkdirSync(path.join(directory, 'models'));
      fs.writeFileSync(path.join(directory, 'models', 'cut.gguf'), fs.readFileSync(storiesPath).subarray(0, 500_000));
      fs.writeFileSync(path.join(directory, 'models', 'text.gguf'), 'not a model at all');
      for (const [file, problem] of [
        ['cut.gguf', /truncated/],
        ['text.gguf', /not a GGUF file/],
        ['absent.gguf', /ENOENT/],
      ] as const) {
        let error: unknown;
        try {
          target.parseSpec({ file });
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(DevupError);
        expect((error as DevupError).code).toBe('invalid_request');
        expect((error as DevupError).fieldErrors).toEqual([{ path: 'file', message: expect.stringMatching(problem) }]);
      }
      expect(() => target.parseSpec({ file: storiesPath, parallel: 0, surprise: true })).toThrow(/parallel/);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('unloads after the idle timeout and loads again on the next request, and stop frees it', async () => {
    const idle = await startEmbedded('idle', { file: storiesPath, parallel: 2, contextSize: 128, idleTimeoutSeconds: 1 });
    try {
      expect(idle.running.memoryBytes!()).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1_400));
      expect(idle.running.memoryBytes!()).toBe(0);
      expect(idle.events.some((event) => event.type === 'log' && /unloaded after 1s idle/.test(event.message))).toBe(true);
      const reply = await idle.running.provider.call({
        operation: 'completion',
        body: { prompt: 'Once upon a time', max_tokens: 4, temperature: 0 },
        signal: new AbortController().signal,
      });
      expect(reply.kind === 'json' && reply.usage?.completionTokens).toBe(4);
      expect(idle.running.memoryBytes!()).toBeGreaterThan(0);
      expect(idle.events.some((event) => event.type === 'log' && /loading the model again/.test(event.message))).toBe(true);
    } finally {
      await idle.stop();
    }
    expect(idle.running.memoryBytes!()).toBe(0);
  });
});
