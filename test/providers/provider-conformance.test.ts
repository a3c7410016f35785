import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAnthropicProvider } from '../../src/providers/anthropic/anthropic-provider.js';
import { createOpenAICompatibleProvider } from '../../src/providers/openai-compatible/openai-compatible-provider.js';
import { UpstreamError, type Provider, type ProviderReply } from '../../src/providers/provider.js';
import { startAnthropicPeer } from '../support/upstreams/anthropic-peer.js';
import { startOpenAIPeer } from '../support/upstreams/openai-peer.js';
import type { PeerServer } from '../support/upstreams/peer-server.js';

const timeouts = { connectMs: 2_000, firstByteMs: 5_000, idleMs: 5_000 };

/** Every HTTP provider with its peer: the same OpenAI-shaped calls must give the same answers. */
const kinds: Array<{ kind: string; start(): Promise<{ peer: PeerServer; provider: Provider }> }> = [
  {
    kind: 'openai-compatible',
    async start() {
      const peer = await startOpenAIPeer();
      return { peer, provider: createOpenAICompatibleProvider({ baseUrl: peer.baseUrl, timeouts }) };
    },
  },
  {
    kind: 'anthropic',
    async start() {
      const peer = await startAnthropicPeer();
      return { peer, provider: createAnthropicProvider({ baseUrl: peer.origin, apiKey: 'sk-ant', timeouts }) };
    },
  },
];

const messages = [
  { role: 'system', content: 'Answer briefly.' },
  { role: 'user', content: 'name three colours' },
];

async function chunksOf(reply: ProviderReply): Promise<any[]> {
  if (reply.kind !== 'stream') throw new Error(`expected a stream, got ${reply.kind}`);
  const chunks: any[] = [];
  for await (const chunk of reply.chunks) chunks.push(JSON.parse(chunk));
  return chunks;
}

describe.each(kinds)('$kind provider conformance', ({ start }) => {
  let peer: PeerServer;
  let provider: Provider;
  const signal = () => new AbortController().signal;

  beforeEach(async () => ({ peer, provider } = await start()));
  afterEach(async () => {
    await provider.close();
    await peer.stop();
  });

  it('answers chat with the echo text, finish reason and usage', async () => {
    const reply = await provider.call({ operation: 'chat', body: { model: 'm', messages }, signal: signal() });
    if (reply.kind !== 'json') throw new Error('expected json');
    expect(reply.body).toMatchObject({
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Echo: name three colours' }, finish_reason: 'stop' }],
    });
    expect(reply.usage).toEqual({ promptTokens: 5, completionTokens: 4 });
  });

  it('streams role, one delta per word, finish and usage chunks', async () => {
    const reply = await provider.call({
      operation: 'chat',
      body: { model: 'm', messages, stream: true, stream_options: { include_usage: true } },
      signal: signal(),
    });
    const chunks = await chunksOf(reply);
    expect(reply.kind === 'stream' && reply.usage()).toEqual({ promptTokens: 5, completionTokens: 4 });
    expect(chunks.map((chunk) => chunk.object)).toEqual(Array(chunks.length).fill('chat.completion.chunk'));
    expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant', content: '' });
    expect(chunks.slice(1, -2).map((chunk) => chunk.choices[0].delta.content)).toEqual(['Echo: ', 'name ', 'three ', 'colours']);
    expect(chunks.at(-2).choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } });
  });

  it('reports the usage of a stream whose client did not ask for it, without a usage chunk', async () => {
    const reply = await provider.call({ operation: 'chat', body: { model: 'm', messages, stream: true }, signal: signal() });
    if (reply.kind !== 'stream') throw new Error('expected a stream');
    expect(reply.usage()).toBeUndefined();
    const chunks = await chunksOf(reply);
    expect(chunks.every((chunk) => chunk.choices.length > 0 && !chunk.usage)).toBe(true);
    expect(reply.usage()).toEqual({ promptTokens: 5, completionTokens: 4 });
  });

  it('answers completions whole and streamed', async () => {
    const whole = await provider.call({ operation: 'completion', body: { model: 'm', prompt: 'roses are red' }, signal: signal() });
    expect(whole.kind === 'json' && whole.body).toMatchObject({
      object: 'text_completion',
      choices: [{ text: 'Echo: roses are red', finish_reason: 'stop' }],
    });
    const chunks = await chunksOf(
      await provider.call({ operation: 'completion', body: { model: 'm', prompt: 'roses are red', stream: true }, signal: signal() }),
    );
    expect(chunks.map((chunk) => chunk.choices[0].text).join('')).toBe('Echo: roses are red');
  });

  it('cuts at max_tokens with finish_reason length', async () => {
    const reply = await provider.call({ operation: 'chat', body: { model: 'm', messages, max_tokens: 2 }, signal: signal() });
    expect(reply.kind === 'json' && (reply.body.choices as any)[0]).toMatchObject({
      message: { content: 'Echo: name' },
      finish_reason: 'length',
    });
  });

  it('reports 503 as retryable and 400 as not, with the upstream message', async () => {
    peer.queue({ status: 503, message: 'busy right now' });
    const busy = await provider
      .call({ operation: 'chat', body: { model: 'm', messages }, signal: signal() })
      .catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(UpstreamError);
    expect(busy).toMatchObject({ upstreamStatus: 503, retryable: true });
    expect((busy as Error).message).toContain('busy right now');
    peer.queue({ status: 400, message: 'no such field' });
    const invalid = await provider
      .call({ operation: 'chat', body: { model: 'm', messages }, signal: signal() })
      .catch((error: unknown) => error);
    expect(invalid).toMatchObject({ upstreamStatus: 400, retryable: false, status: 400 });
  });

  it('throws from the iterator when the upstream dies mid-stream, and aborts on the signal', async () => {
    peer.queue({ dieAfterChunks: 1 });
    await expect(
      chunksOf(await provider.call({ operation: 'chat', body: { model: 'm', messages, stream: true }, signal: signal() })),
    ).rejects.toBeInstanceOf(UpstreamError);

    peer.queue({ chunkDelayMs: 200 });
    const controller = new AbortController();
    const reply = await provider.call({ operation: 'chat', body: { model: 'm', messages, stream: true }, signal: controller.signal });
    controller.abort(new Error('gone'));
    await expect(chunksOf(reply)).rejects.toThrow('gone');
    await vi.waitFor(() => expect(peer.aborted).toBe(1), { timeout: 1_000 });
  });
});
