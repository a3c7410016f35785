import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError, type Provider } from '../../src/providers/provider.js';
import { expectFits } from '../support/expect-fits.js';
import { peerKinds, targetKinds, type TargetFixture } from '../support/target-kinds.js';
import { chunksOf } from './stream-chunks.js';

const messages = [
  { role: 'system', content: 'Answer briefly.' },
  { role: 'user', content: 'name three colours' },
];
/** Greedy and bounded, so that every kind's answer is known in advance. */
const sampling = { temperature: 0, max_tokens: 16 };
const signal = () => new AbortController().signal;

/** Every provider kind with its upstream: the same OpenAI-shaped calls must give each kind's answer in the same shapes. */
/** The kind's upstream and a provider aimed at it, started before the tests of the calling describe block and stopped after them. */
function startedForEach<Fixture extends TargetFixture>(start: () => Promise<Fixture>): { fixture: Fixture; provider: Provider } {
  const started = {} as { fixture: Fixture; provider: Provider };
  beforeAll(async () => {
    started.fixture = await start();
    started.provider = started.fixture.target('p').provider;
  });
  afterAll(async () => {
    await started.provider?.close();
    await started.fixture?.stop();
  });
  return started;
}

describe.each(targetKinds)('$kind provider conformance', ({ kind: kindName, start }) => {
  const kind = startedForEach(start);

  it('answers chat with the text, finish reason and usage', async () => {
    const body = { model: 'm', messages, ...sampling };
    const expected = await kind.fixture.expected('chat', body);
    const reply = await kind.provider.call({ operation: 'chat', body, signal: signal() });
    if (reply.kind !== 'json') throw new Error('expected json');
    expect(reply.body).toMatchObject({
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: expected.text }, finish_reason: expected.finishReason }],
    });
    expect(reply.usage).toEqual({ promptTokens: expected.promptTokens, completionTokens: expected.completionTokens });
  });

  it('streams role, deltas, finish and usage chunks', async () => {
    const body = { model: 'm', messages, ...sampling, stream: true, stream_options: { include_usage: true } };
    const expected = await kind.fixture.expected('chat', body);
    const reply = await kind.provider.call({ operation: 'chat', body, signal: signal() });
    const chunks = await chunksOf(reply);
    expect(reply.kind === 'stream' && reply.usage()).toEqual({
      promptTokens: expected.promptTokens,
      completionTokens: expected.completionTokens,
    });
    expect(chunks.map((chunk) => chunk.object)).toEqual(Array(chunks.length).fill('chat.completion.chunk'));
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant', content: '' });
    expect(
      chunks
        .slice(1, -2)
        .map((chunk) => chunk.choices[0].delta.content)
        .join(''),
    ).toBe(expected.text);
    expect(chunks.at(-2).choices[0]).toMatchObject({ delta: {}, finish_reason: expected.finishReason });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: expected.promptTokens,
        completion_tokens: expected.completionTokens,
        total_tokens: expected.promptTokens + expected.completionTokens,
      },
    });
  });

  it('reports the usage of a stream whose client did not ask for it, without a usage chunk', async () => {
    const body = { model: 'm', messages, ...sampling, stream: true };
    const expected = await kind.fixture.expected('chat', body);
    const reply = await kind.provider.call({ operation: 'chat', body, signal: signal() });
    if (reply.kind !== 'stream') throw new Error('expected a stream');
    // Before the upstream told it: what was delivered so far, estimated from a peer's text, counted by the engine.
    expect(reply.usage()).toEqual(
      kindName === 'embedded' ? { promptTokens: expected.promptTokens, completionTokens: 0 } : expect.objectContaining({ estimated: true }),
    );
    const chunks = await chunksOf(reply);
    expect(chunks.every((chunk) => chunk.choices.length > 0 && !chunk.usage)).toBe(true);
    expect(reply.usage()).toEqual({ promptTokens: expected.promptTokens, completionTokens: expected.completionTokens });
  });

  it('answers completions whole and streamed', async () => {
    const body = { model: 'm', prompt: 'roses are red', ...sampling };
    const expected = await kind.fixture.expected('completion', body);
    const whole = await kind.provider.call({ operation: 'completion', body, signal: signal() });
    expect(whole.kind === 'json' && whole.body).toMatchObject({
      object: 'text_completion',
      choices: [{ text: expected.text, finish_reason: expected.finishReason }],
    });
    expect(whole.kind === 'json' && whole.usage).toEqual({
      promptTokens: expected.promptTokens,
      completionTokens: expected.completionTokens,
    });
    const chunks = await chunksOf(await kind.provider.call({ operation: 'completion', body: { ...body, stream: true }, signal: signal() }));
    expect(chunks.map((chunk) => chunk.choices[0].text).join('')).toBe(expected.text);
    expect(chunks.at(-1).choices[0].finish_reason).toBe(expected.finishReason);
  });

  it('answers response_format json_schema and json_object with JSON that fits, finished with stop, whole and streamed', async () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
      required: ['city', 'days'],
      additionalProperties: false,
    };
    // Room to close what the grammar opened (the engine); greedy, so whole and streamed agree.
    const ask = { model: 'm', messages: [{ role: 'user', content: 'a forecast' }], temperature: 0, max_tokens: 160 };
    const body = { ...ask, response_format: { type: 'json_schema', json_schema: { name: 'forecast', schema, strict: true } } };
    const whole = await kind.provider.call({ operation: 'chat', body, signal: signal() });
    if (whole.kind !== 'json') throw new Error('expected json');
    const [choice] = whole.body.choices as any[];
    expect(choice).toMatchObject({ finish_reason: 'stop', message: { role: 'assistant', content: expect.any(String) } });
    expect(choice.message.tool_calls).toBeUndefined();
    expectFits(schema, JSON.parse(choice.message.content));

    const chunks = await chunksOf(await kind.provider.call({ operation: 'chat', body: { ...body, stream: true }, signal: signal() }));
    expect(chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])).toEqual([]);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(choice.message.content);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');

    const object = await kind.provider.call({
      operation: 'chat',
      body: { ...ask, response_format: { type: 'json_object' } },
      signal: signal(),
    });
    const value = JSON.parse(object.kind === 'json' ? (object.body.choices as any)[0].message.content : '');
    expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
  });

  it('cuts at max_tokens with finish_reason length', async () => {
    const body = { model: 'm', messages, ...sampling, max_tokens: 2 };
    const expected = await kind.fixture.expected('chat', body);
    expect(expected.finishReason).toBe('length');
    const reply = await kind.provider.call({ operation: 'chat', body, signal: signal() });
    expect(reply.kind === 'json' && (reply.body.choices as any)[0]).toMatchObject({
      message: { content: expected.text },
      finish_reason: 'length',
    });
  });

  it('turns a call away while the upstream has no room, to be tried again later', async () => {
    const makeRoom = await kind.fixture.overload();
    let refused: unknown;
    try {
      refused = await kind.provider
        .call({ operation: 'chat', body: { model: 'm', messages, ...sampling }, signal: signal() })
        .catch((error) => error);
    } finally {
      await makeRoom();
    }
    expect(refused).toMatchObject(kind.fixture.overloadedError);
    const answered = await kind.provider.call({ operation: 'chat', body: { model: 'm', messages, ...sampling }, signal: signal() });
    expect(answered.kind).toBe('json');
  });

  it('stops the upstream work at once when the signal aborts mid-stream, and hands out nothing more', async () => {
    const restore = kind.fixture.slowStreams();
    const stopped = kind.fixture.watchAbort();
    try {
      const controller = new AbortController();
      const reply = await kind.provider.call({
        operation: 'chat',
        body: { model: 'm', messages, ...sampling, stream: true },
        signal: controller.signal,
      });
      const reason = new Error('client went away');
      controller.abort(reason);
      // Nobody reads the stream any more: the signal alone must stop the work.
      await stopped();
      const rest = await chunksOf(reply).then(
        (chunks) => chunks,
        (error: unknown) => error,
      );
      // A stream over HTTP throws the abort's reason; the engine's stream has ended.
      expect(rest === reason || (Array.isArray(rest) && rest.length === 0)).toBe(true);
    } finally {
      restore();
    }
  });
});

/** What the HTTP kinds do when their upstream misbehaves (the engine cannot fail these ways). */
describe.each(peerKinds)('$kind provider failures', ({ start }) => {
  const kind = startedForEach(start);

  it('hands out one chunk per upstream delta', async () => {
    const chunks = await chunksOf(
      await kind.provider.call({ operation: 'chat', body: { model: 'm', messages, stream: true }, signal: signal() }),
    );
    expect(chunks.slice(1, -1).map((chunk) => chunk.choices[0].delta.content)).toEqual(['Echo: ', 'name ', 'three ', 'colours']);
  });

  it('reports a 400 as not retryable, with the upstream status and message', async () => {
    kind.fixture.peer.queue({ status: 400, message: 'no such field' });
    const invalid = await kind.provider
      .call({ operation: 'chat', body: { model: 'm', messages }, signal: signal() })
      .catch((error: unknown) => error);
    expect(invalid).toMatchObject({ upstreamStatus: 400, retryable: false, status: 400 });
    expect((invalid as Error).message).toContain('no such field');
  });

  it('throws from the iterator when the upstream dies mid-stream, after the chunks sent before', async () => {
    kind.fixture.peer.queue({ dieAfterChunks: 2 });
    const reply = await kind.provider.call({ operation: 'chat', body: { model: 'm', messages, stream: true }, signal: signal() });
    if (reply.kind !== 'stream') throw new Error('expected a stream');
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of reply.chunks) seen.push(chunk);
    })().catch((caught: unknown) => caught);
    expect(seen.length).toBe(3); // role chunk + two content chunks
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: false, code: 'upstream_error' });
    expect((error as Error).message).toContain('stream broke off');
  });

  it('tells the usage of a stream cut mid-way from what was delivered, flagged estimated', async () => {
    kind.fixture.peer.queue({ dieAfterChunks: 2 });
    const reply = await kind.provider.call({ operation: 'chat', body: { model: 'm', messages, stream: true }, signal: signal() });
    if (reply.kind !== 'stream') throw new Error('expected a stream');
    let delivered = '';
    const read = async () => {
      for await (const chunk of reply.chunks) delivered += JSON.parse(chunk).choices[0]?.delta?.content ?? '';
    };
    await expect(read()).rejects.toBeInstanceOf(UpstreamError);
    expect(delivered).toBe('Echo: name ');
    const usage = reply.usage();
    // 4 characters per token (usage-estimate.ts); the prompt from the upstream's count where it told one, else the messages.
    expect(usage).toEqual({ promptTokens: expect.any(Number), completionTokens: Math.ceil(delivered.length / 4), estimated: true });
    expect(usage!.promptTokens).toBeGreaterThanOrEqual(5);
  });
});
