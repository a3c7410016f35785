import { describe, expect, it } from 'vitest';
import { readChatDelta } from '../../src/gateway/dialects/chat-chunk.js';

const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices, ...extra });
const text = (content: unknown, finish: string | null = null) =>
  chunk([{ index: 0, delta: { content }, logprobs: null, finish_reason: finish }]);

/** The encoders' one reader of chat chunks: the quick path for text-only chunks must say what a full parse says. */
describe('readChatDelta', () => {
  it.each([
    ['plain text', text('Paris ')],
    ['escaped quotes and backslashes', text('say "hi" \\ then \\"bye\\"')],
    ['unicode escapes and emoji', '{"choices":[{"index":0,"delta":{"content":"caf\\u00e9 \\ud83d\\ude00"},"finish_reason":null}]}'],
    ['text that looks like a key', text('"content":"x" "finish_reason":null')],
    ['the empty text', text('')],
    ['an escape at the very end', text('ends with a quote"')],
  ])('reads %s as a full parse does', (_name, payload) => {
    const parsed = JSON.parse(payload).choices[0];
    expect(readChatDelta(payload)).toEqual({ content: parsed.delta.content });
  });

  it('reads finishes, tool calls, other delta fields, spaced JSON and several choices through the full parse', () => {
    expect(readChatDelta(text('', 'stop'))).toEqual({ content: '', toolCalls: undefined, finishReason: 'stop' });
    expect(readChatDelta(text('the last words', 'length'))).toEqual({
      content: 'the last words',
      toolCalls: undefined,
      finishReason: 'length',
    });
    const withRole = chunk([{ index: 0, delta: { role: 'assistant', content: 'Hi', refusal: null }, finish_reason: null }]);
    expect(readChatDelta(withRole)).toEqual({ content: 'Hi', toolCalls: undefined, finishReason: null });
    const call = { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":' } };
    expect(readChatDelta(chunk([{ index: 0, delta: { tool_calls: [call] }, finish_reason: null }]))).toEqual({
      content: '',
      toolCalls: [call],
      finishReason: null,
    });
    expect(readChatDelta(JSON.stringify(JSON.parse(text('spaced')), null, 1))).toEqual({
      content: 'spaced',
      toolCalls: undefined,
      finishReason: null,
    });
    const two = chunk([
      { index: 0, delta: { content: 'first' }, finish_reason: null },
      { index: 1, delta: { content: 'second' }, finish_reason: null },
    ]);
    expect(readChatDelta(two)).toEqual({ content: 'first', toolCalls: undefined, finishReason: null });
  });

  it('says nothing for the usage chunk', () => {
    expect(readChatDelta(chunk([], { usage: { prompt_tokens: 1, completion_tokens: 2 } }))).toBeUndefined();
  });
});
