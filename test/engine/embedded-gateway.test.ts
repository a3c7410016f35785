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

describe('embedded engine through the gateway (openai SDK)', () => {
  let stories: StartedEmbedded;
  let gateway: GatewayHarness;
  let client: OpenAI;
  let reference: DirectReference;
  // The SDK's connections, closed before the gateway stops so that no kept-alive socket delays its close.
  const agent = new Agent();

  beforeAll(async () => {
    [stories, reference] = await Promise.all([
      startEmbedded('stories', { file: storiesPath, parallel: 8, contextSize: 256, queueSize: 16 }),
      DirectReference.open(storiesPath),
    ]);
    gateway = await startGateway({ deployments: [stories.deployment] });
    client = gateway.client((await gateway.createKey()).key, { fetchOptions: { dispatcher: agent } });
  });

  afterAll(async () => {
    await agent.close();
    await gateway?.stop();
    await Promise.all([stories?.stop(), reference?.close()]);
  });

  it('reported loading with progress and holds the model’s memory', () => {
    expect(stories.events[0]).toMatchObject({ type: 'state', state: 'loading' });
    expect(stories.events.some((event) => event.type === 'state' && event.message === 'loading weights 100%')).toBe(true);
    expect(stories.running.memoryBytes!()).toBeGreaterThan(fs.statSync(storiesPath).size);
  });

  it('names its answers as OpenAI does: chatcmpl- ids, the same on every chunk of a stream', async () => {
    const request = { model: 'stories', messages: [{ role: 'user' as const, content: 'Tell me a story about a cat.' }], max_tokens: 8 };
    const whole = await client.chat.completions.create(request);
    expect(whole.object).toBe('chat.completion');
    expect(whole.id).toMatch(/^chatcmpl-/);
    const ids = new Set<string>();
    for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) ids.add(chunk.id);
    expect([...ids]).toEqual([expect.stringMatching(/^chatcmpl-/)]);
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
