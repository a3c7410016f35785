import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peerEmbedding, startOpenAIPeer, type OpenAIPeer } from '../support/upstreams/openai-peer.js';

// The peer stands in for real OpenAI-compatible servers in every gateway test, so the official
// SDK must accept what it sends.
let peer: OpenAIPeer;
let client: OpenAI;

beforeAll(async () => {
  peer = await startOpenAIPeer({ models: ['peer-a', 'peer-b'], apiKey: 'sk-peer' });
  client = new OpenAI({ baseURL: peer.baseUrl, apiKey: 'sk-peer', maxRetries: 0 });
});

afterAll(() => peer.stop());

describe('OpenAI test peer, through the official SDK', () => {
  it('lists and retrieves models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['peer-a', 'peer-b']);
    expect((await client.models.retrieve('peer-b')).id).toBe('peer-b');
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('answers chat whole and streamed with the same text and usage', async () => {
    const messages = [{ role: 'user' as const, content: 'tell me something' }];
    const whole = await client.chat.completions.create({ model: 'peer-a', messages });
    expect(whole.choices[0].message.content).toBe('Echo: tell me something');

    const stream = await client.chat.completions.create({
      model: 'peer-a',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(whole.choices[0].message.content);
    expect(usage).toEqual(whole.usage);
  });

  it('answers embeddings the SDK decodes from base64', async () => {
    const result = await client.embeddings.create({ model: 'peer-a', input: ['alpha', 'beta'], dimensions: 4 });
    expect(peer.requests.at(-1)!.body.encoding_format).toBe('base64');
    expect(result.data.map((item) => item.embedding)).toEqual([peerEmbedding('alpha', 4), peerEmbedding('beta', 4)]);
  });

  it('fails a request per its body behavior failTimes times, then answers', async () => {
    const body = {
      model: 'peer-a',
      messages: [{ role: 'user' as const, content: 'x' }],
      peer_behavior: { status: 503, failTimes: 2, message: 'warming up' },
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await client.chat.completions.create(body).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect((error as Error).message).toContain('warming up');
    }
    expect((await client.chat.completions.create(body)).choices[0].message.content).toBe('Echo: x');
  });

  it('rejects a wrong API key and surfaces 429 with Retry-After', async () => {
    const stranger = new OpenAI({ baseURL: peer.baseUrl, apiKey: 'wrong', maxRetries: 0 });
    await expect(stranger.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    peer.queue({ status: 429, retryAfter: '2' });
    const limited = await client.models.list().catch((caught: unknown) => caught);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('2');
  });
});
