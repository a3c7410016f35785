import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOpenAICompatibleProvider } from '../../src/providers/openai-compatible/openai-compatible-provider.js';
import { UpstreamError, type Provider, type ProviderReply } from '../../src/providers/provider.js';
import { startOpenAIPeer, type OpenAIPeer } from '../support/upstreams/openai-peer.js';
import { rejection } from './upstream-rejection.js';

const timeouts = { connectMs: 2_000, firstByteMs: 5_000, idleMs: 5_000 };
const messages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'hello there peer' },
];

let peer: OpenAIPeer;
let provider: Provider;

beforeEach(async () => {
  peer = await startOpenAIPeer({ apiKey: 'sk-upstream' });
  provider = createOpenAICompatibleProvider({ baseUrl: peer.baseUrl, apiKey: 'sk-upstream', headers: { 'x-team': 'blue' }, timeouts });
});

afterEach(async () => {
  await provider.close();
  await peer.stop();
});

const signal = () => new AbortController().signal;

async function collect(reply: ProviderReply): Promise<string[]> {
  if (reply.kind !== 'stream') throw new Error(`expected a stream, got ${reply.kind}`);
  const chunks: string[] = [];
  for await (const chunk of reply.chunks) chunks.push(chunk);
  return chunks;
}

describe('OpenAI-compatible provider', () => {
  it('posts chat bodies byte for byte with auth and custom headers, and returns body, text and usage', async () => {
    const body = { model: 'peer-model', messages, temperature: 0.2, vendor_extension: { top_a: 0.1, list: [1, 2] } };
    const reply = await provider.call({ operation: 'chat', body, signal: signal() });

    expect(reply.kind).toBe('json');
    if (reply.kind !== 'json') return;
    expect(reply.body.object).toBe('chat.completion');
    expect((reply.body.choices as any)[0].message.content).toBe('Echo: hello there peer');
    expect(reply.usage).toEqual({ promptTokens: 5, completionTokens: 4 });
    expect(JSON.parse(reply.text!)).toEqual(reply.body);

    const [received] = peer.requests;
    expect(received.path).toBe('/v1/chat/completions');
    expect(received.text).toBe(JSON.stringify(body));
    expect(received.headers.authorization).toBe('Bearer sk-upstream');
    expect(received.headers['x-team']).toBe('blue');
    expect(received.headers['content-type']).toBe('application/json');
  });

  it('lets a configured header replace a default one whatever its case', async () => {
    const custom = createOpenAICompatibleProvider({
      baseUrl: peer.baseUrl,
      apiKey: 'ignored',
      headers: { Authorization: 'Bearer sk-upstream', 'Content-Type': 'application/json' },
      timeouts,
    });
    const reply = await custom.call({ operation: 'chat', body: { model: 'peer-model', messages }, signal: signal() });
    await custom.close();
    expect(reply.kind).toBe('json');
    expect(peer.requests[0].headers.authorization).toBe('Bearer sk-upstream');
    expect(peer.requests[0].headers['content-type']).toBe('application/json');
  });

  it('routes completions and embeddings to their paths', async () => {
    const completion = await provider.call({ operation: 'completion', body: { model: 'peer-model', prompt: 'one two' }, signal: signal() });
    expect(completion.kind === 'json' && (completion.body.choices as any)[0].text).toBe('Echo: one two');
    expect(completion.kind === 'json' && completion.usage).toEqual({ promptTokens: 2, completionTokens: 3 });

    const embeddings = await provider.call({
      operation: 'embeddings',
      body: { model: 'peer-model', input: ['a b', 'c'] },
      signal: signal(),
    });
    expect(embeddings.kind === 'json' && (embeddings.body.data as unknown[]).length).toBe(2);
    expect(embeddings.kind === 'json' && embeddings.usage).toEqual({ promptTokens: 3, completionTokens: 0 });
    expect(peer.requests.map((request) => request.path)).toEqual(['/v1/completions', '/v1/embeddings']);
  });

  it('streams each chunk as sent, ending with the usage chunk and without [DONE]', async () => {
    const body = { model: 'peer-model', messages, stream: true, stream_options: { include_usage: true }, peer_behavior: { chunks: 6 } };
    const chunks = (await collect(await provider.call({ operation: 'chat', body, signal: signal() }))).map((chunk) => JSON.parse(chunk));

    expect(chunks).toHaveLength(1 + 6 + 1 + 1);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Echo: hello there peer');
    expect(chunks[7].choices[0].finish_reason).toBe('stop');
    expect(chunks[8]).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 4 } });
    expect(peer.requests[0].body.stream_options).toEqual({ include_usage: true });
  });

  it('hands out chunks while the upstream is still sending', async () => {
    peer.queue({ chunks: 4, chunkDelayMs: 150 });
    const started = Date.now();
    const reply = await provider.call({ operation: 'chat', body: { model: 'peer-model', messages, stream: true }, signal: signal() });
    const arrivals: number[] = [];
    if (reply.kind !== 'stream') throw new Error('expected a stream');
    for await (const _chunk of reply.chunks) arrivals.push(Date.now() - started);
    expect(arrivals[0]).toBeLessThan(150);
    expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThanOrEqual(4 * 150 - 50);
  });

  it('reuses keep-alive connections for sequential requests, streams included', async () => {
    for (let index = 0; index < 3; index++) {
      await provider.call({ operation: 'chat', body: { model: 'peer-model', messages }, signal: signal() });
      await collect(await provider.call({ operation: 'chat', body: { model: 'peer-model', messages, stream: true }, signal: signal() }));
    }
    await vi.waitFor(() => expect(peer.completed).toBe(6));
    // A stream's connection returns to the pool once its last bytes are read in the background,
    // so the request right after it may open a second one; never more.
    expect(peer.connections).toBeLessThanOrEqual(2);
  });

  it('maps 429 with Retry-After in seconds or as an HTTP date', async () => {
    peer.queue({ status: 429, retryAfter: '3', message: 'slow down' });
    const seconds = await rejection(provider.call({ operation: 'chat', body: { model: 'peer-model', messages }, signal: signal() }));
    expect(seconds).toMatchObject({ upstreamStatus: 429, retryable: true, retryAfterMs: 3000, code: 'rate_limited', status: 429 });
    expect(seconds.message).toContain('slow down');

    peer.queue({ status: 429, retryAfter: new Date(Date.now() + 10_000).toUTCString() });
    const date = await rejection(provider.call({ operation: 'chat', body: { model: 'peer-model', messages }, signal: signal() }));
    expect(date.retryAfterMs).toBeGreaterThan(7_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(10_000);
  });

  it('maps 4xx to a non-retryable error with the upstream status and message', async () => {
    peer.queue({ status: 400, message: "'messages' is a required property" });
    const error = await rejection(provider.call({ operation: 'chat', body: { model: 'peer-model' }, signal: signal() }));
    expect(error).toMatchObject({ upstreamStatus: 400, retryable: false, code: 'invalid_request', status: 400 });
    expect(error.message).toContain("'messages' is a required property");

    const unauthorized = createOpenAICompatibleProvider({ baseUrl: peer.baseUrl, apiKey: 'wrong', timeouts });
    const denied = await rejection(unauthorized.call({ operation: 'chat', body: { model: 'peer-model', messages }, signal: signal() }));
    await unauthorized.close();
    expect(denied).toMatchObject({ upstreamStatus: 401, retryable: false, status: 502 });
    expect(denied.message).toContain('Incorrect API key provided');
  });

  it('fails a stream before its first chunk with the upstream error, so it can be retried', async () => {
    peer.queue({ status: 500, message: 'CUDA out of memory' });
    const error = await rejection(
      provider.call({ operation: 'chat', body: { model: 'peer-model', messages, stream: true }, signal: signal() }),
    );
    expect(error).toMatchObject({ upstreamStatus: 500, retryable: true });
    expect(error.message).toContain('CUDA out of memory');
  });

  it('maps a refused connection to a retryable error', async () => {
    const origin = peer.origin;
    await peer.stop();
    const gone = createOpenAICompatibleProvider({ baseUrl: `${origin}/v1`, timeouts });
    const error = await rejection(gone.call({ operation: 'chat', body: { model: 'peer-model', messages }, signal: signal() }));
    await gone.close();
    expect(error).toMatchObject({ retryable: true, upstreamStatus: undefined, code: 'upstream_error' });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('times out waiting for the first byte', async () => {
    const impatient = createOpenAICompatibleProvider({
      baseUrl: peer.baseUrl,
      apiKey: 'sk-upstream',
      timeouts: { ...timeouts, firstByteMs: 200 },
    });
    peer.queue({ stallBeforeHeadersMs: 5_000 });
    const error = await rejection(impatient.call({ operation: 'chat', body: { model: 'peer-model', messages }, signal: signal() }));
    await impatient.close();
    expect(error).toMatchObject({ code: 'upstream_timeout', status: 504, retryable: true });
    expect(error.message).toContain('first byte timeout');
  });

  it('times out an idle stream from the iterator, not retryable', async () => {
    const impatient = createOpenAICompatibleProvider({
      baseUrl: peer.baseUrl,
      apiKey: 'sk-upstream',
      timeouts: { ...timeouts, idleMs: 300 },
    });
    peer.queue({ stallAfterChunks: 2 });
    const reply = await impatient.call({ operation: 'chat', body: { model: 'peer-model', messages, stream: true }, signal: signal() });
    const error = await rejection(collect(reply));
    await impatient.close();
    expect(error).toMatchObject({ code: 'upstream_timeout', retryable: false });
    expect(error.message).toContain('idle timeout');
  });

  it('throws an in-stream error payload as an UpstreamError', async () => {
    peer.queue({ errorAfterChunks: 1, message: 'request preempted' });
    const reply = await provider.call({ operation: 'chat', body: { model: 'peer-model', messages, stream: true }, signal: signal() });
    const error = await rejection(collect(reply));
    expect(error.message).toContain('request preempted');
  });

  it('aborts a request still waiting for headers', async () => {
    peer.queue({ stallBeforeHeadersMs: 10_000 });
    const controller = new AbortController();
    const pending = provider.call({ operation: 'chat', body: { model: 'peer-model', messages }, signal: controller.signal });
    await vi.waitFor(() => expect(peer.requests).toHaveLength(1));
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
    await vi.waitFor(() => expect(peer.aborted).toBe(1), { timeout: 1_000 });
  });

  it('releases the upstream when the consumer stops reading early', async () => {
    peer.queue({ chunks: 50, chunkDelayMs: 20 });
    const reply = await provider.call({ operation: 'chat', body: { model: 'peer-model', messages, stream: true }, signal: signal() });
    if (reply.kind !== 'stream') throw new Error('expected a stream');
    for await (const _chunk of reply.chunks) break;
    await vi.waitFor(() => expect(peer.aborted).toBe(1), { timeout: 1_000 });
  });

  it('checks health with GET /models', async () => {
    await expect(provider.health(signal())).resolves.toBeUndefined();
    expect(peer.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
    peer.queue({ status: 503 });
    await expect(provider.health(signal())).rejects.toBeInstanceOf(UpstreamError);
  });
});
