import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DevupError } from '../../src/errors.js';
import { createAnthropicProvider } from '../../src/providers/anthropic/anthropic-provider.js';
import type { Provider } from '../../src/providers/provider.js';
import { startAnthropicPeer, type AnthropicPeer } from '../support/upstreams/anthropic-peer.js';
import { chunksOf } from './stream-chunks.js';
import { rejection } from './upstream-rejection.js';

const timeouts = { connectMs: 2_000, firstByteMs: 5_000, idleMs: 5_000 };
const messages = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'ping the peer' },
];

let peer: AnthropicPeer;
let provider: Provider;

beforeEach(async () => {
  peer = await startAnthropicPeer({ apiKey: 'sk-ant-test', cacheReadTokens: 3 });
  provider = createAnthropicProvider({ baseUrl: `${peer.origin}/v1`, apiKey: 'sk-ant-test', headers: { 'anthropic-beta': 'x' }, timeouts });
});

afterEach(async () => {
  await provider.close();
  await peer.stop();
});

const signal = () => new AbortController().signal;

describe('Anthropic provider', () => {
  it('sends a Messages request with its headers and answers a chat.completion with usage', async () => {
    const reply = await provider.call({ operation: 'chat', body: { model: 'claude-peer', messages, temperature: 0.3 }, signal: signal() });

    const [received] = peer.requests;
    expect(received.path).toBe('/v1/messages');
    expect(received.headers['x-api-key']).toBe('sk-ant-test');
    expect(received.headers['anthropic-version']).toBe('2023-06-01');
    expect(received.headers['anthropic-beta']).toBe('x');
    expect(received.body).toEqual({
      model: 'claude-peer',
      max_tokens: 4096,
      system: 'You are terse.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'ping the peer' }] }],
      temperature: 0.3,
    });

    expect(reply.kind).toBe('json');
    if (reply.kind !== 'json') return;
    expect(reply.body).toMatchObject({
      id: 'msg_peer_1',
      object: 'chat.completion',
      model: 'claude-peer',
      choices: [{ message: { role: 'assistant', content: 'Echo: ping the peer' }, finish_reason: 'stop' }],
    });
    // input: 6 words + 3 cached; output: 4 words
    expect(reply.usage).toEqual({ promptTokens: 9, completionTokens: 4 });
    expect(reply.body.usage).toMatchObject({
      prompt_tokens: 9,
      completion_tokens: 4,
      total_tokens: 13,
      prompt_tokens_details: { cached_tokens: 3 },
    });
  });

  it('maps stop sequences and max tokens to finish reasons', async () => {
    const stopped = await provider.call({ operation: 'chat', body: { model: 'c', messages, stop: ['peer'] }, signal: signal() });
    expect(stopped.kind === 'json' && (stopped.body.choices as any)[0]).toMatchObject({
      message: { content: 'Echo: ping the ' },
      finish_reason: 'stop',
    });
    const cut = await provider.call({ operation: 'chat', body: { model: 'c', messages, max_completion_tokens: 2 }, signal: signal() });
    expect(cut.kind === 'json' && (cut.body.choices as any)[0]).toMatchObject({
      message: { content: 'Echo: ping' },
      finish_reason: 'length',
    });
    expect(peer.requests[1].body.max_tokens).toBe(2);
  });

  it('returns tool calls and sends tool results back', async () => {
    const tools = [
      { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { text: { type: 'string' } } } } },
    ];
    const reply = await provider.call({
      operation: 'chat',
      body: { model: 'c', messages, tools, tool_choice: 'required' },
      signal: signal(),
    });
    if (reply.kind !== 'json') throw new Error('expected json');
    const choice = (reply.body.choices as any)[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls).toEqual([
      { id: 'toolu_peer_1', type: 'function', function: { name: 'lookup', arguments: '{"text":"ping the peer"}' } },
    ]);

    const followUp = [...messages, choice.message, { role: 'tool', tool_call_id: 'toolu_peer_1', content: 'found it' }];
    const answer = await provider.call({ operation: 'chat', body: { model: 'c', messages: followUp, tools }, signal: signal() });
    expect(answer.kind === 'json' && (answer.body.choices as any)[0].message.content).toBe('Echo: found it');
    expect(peer.requests[1].body.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Echo: ping the peer' },
          { type: 'tool_use', id: 'toolu_peer_1', name: 'lookup', input: { text: 'ping the peer' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_peer_1', content: 'found it' }] },
    ]);
  });

  it('streams OpenAI chunks from the Anthropic events, with the usage chunk when asked', async () => {
    const body = { model: 'claude-peer', messages, stream: true, stream_options: { include_usage: true } };
    const chunks = await chunksOf(await provider.call({ operation: 'chat', body, signal: signal() }));
    expect(peer.requests[0].body.stream).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Echo: ping the peer');
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [],
      usage: { prompt_tokens: 9, completion_tokens: 4 },
    });
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set(['msg_peer_1']));

    const plain = await chunksOf(
      await provider.call({ operation: 'chat', body: { model: 'c', messages, stream: true }, signal: signal() }),
    );
    expect(plain.at(-1).choices[0].finish_reason).toBe('stop');
    expect(plain.some((chunk) => chunk.usage)).toBe(false);
  });

  it('streams tool calls as tool_calls deltas', async () => {
    peer.queue({ toolUse: { name: 'weather', input: { city: 'Paris' } } });
    const chunks = await chunksOf(
      await provider.call({ operation: 'chat', body: { model: 'c', messages, stream: true }, signal: signal() }),
    );
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: 'toolu_peer_1', type: 'function', function: { name: 'weather', arguments: '' } });
    expect(calls.map((call) => call.function.arguments).join('')).toBe('{"city":"Paris"}');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('answers completions in text_completion shape, whole and streamed', async () => {
    const whole = await provider.call({ operation: 'completion', body: { model: 'c', prompt: 'hello world' }, signal: signal() });
    expect(whole.kind === 'json' && whole.body).toMatchObject({
      object: 'text_completion',
      choices: [{ text: 'Echo: hello world', finish_reason: 'stop' }],
    });
    const chunks = await chunksOf(
      await provider.call({ operation: 'completion', body: { model: 'c', prompt: 'hello world', stream: true }, signal: signal() }),
    );
    expect(chunks.map((chunk) => chunk.choices[0].text).join('')).toBe('Echo: hello world');
    expect(chunks.every((chunk) => chunk.object === 'text_completion')).toBe(true);
  });

  it('refuses embeddings with invalid_request', async () => {
    const error = await provider
      .call({ operation: 'embeddings', body: { model: 'c', input: 'x' }, signal: signal() })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DevupError);
    expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(peer.requests).toHaveLength(0);
  });

  it('maps Anthropic errors: 529 overloaded and 429 retryable with Retry-After, 400 not', async () => {
    peer.queue({ status: 529, message: 'Overloaded' });
    const overloaded = await rejection(provider.call({ operation: 'chat', body: { model: 'c', messages }, signal: signal() }));
    expect(overloaded).toMatchObject({ upstreamStatus: 529, retryable: true, status: 502 });
    expect(overloaded.message).toContain('Overloaded');

    peer.queue({ status: 429, retryAfter: '7', message: 'Number of request tokens has exceeded your rate limit' });
    const limited = await rejection(provider.call({ operation: 'chat', body: { model: 'c', messages }, signal: signal() }));
    expect(limited).toMatchObject({ upstreamStatus: 429, retryable: true, retryAfterMs: 7000, code: 'rate_limited' });

    peer.queue({ status: 400, message: 'messages.0: roles must alternate' });
    const invalid = await rejection(provider.call({ operation: 'chat', body: { model: 'c', messages, stream: true }, signal: signal() }));
    expect(invalid).toMatchObject({ upstreamStatus: 400, retryable: false, code: 'invalid_request', status: 400 });
    expect(invalid.message).toContain('roles must alternate');

    const wrongKey = createAnthropicProvider({ baseUrl: peer.origin, apiKey: 'nope', timeouts });
    const denied = await rejection(wrongKey.call({ operation: 'chat', body: { model: 'c', messages }, signal: signal() }));
    await wrongKey.close();
    expect(denied).toMatchObject({ upstreamStatus: 401, retryable: false });
  });

  it('fails the call on an error event before any content, and the iterator after', async () => {
    peer.queue({ errorAfterChunks: 0, message: 'Overloaded' });
    const early = await rejection(provider.call({ operation: 'chat', body: { model: 'c', messages, stream: true }, signal: signal() }));
    expect(early).toMatchObject({ upstreamStatus: 529, retryable: true });

    peer.queue({ errorAfterChunks: 2, message: 'Overloaded' });
    const reply = await provider.call({ operation: 'chat', body: { model: 'c', messages, stream: true }, signal: signal() });
    const late = await rejection(chunksOf(reply));
    expect(late).toMatchObject({ retryable: false });
    expect(late.message).toContain('Overloaded');
  });

  it('reuses the connection after a complete stream and checks health with GET /v1/models', async () => {
    await chunksOf(await provider.call({ operation: 'chat', body: { model: 'c', messages, stream: true }, signal: signal() }));
    await vi.waitFor(() => expect(peer.completed).toBe(1));
    await provider.health(signal());
    expect(peer.requests[1]).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(peer.connections).toBe(1);
  });
});
