import { describe, expect, it } from 'vitest';
import { estimateUsage } from '../../src/gateway/limits/request-estimate.js';

/** What a request reserves against a key's token limits before the upstream answers. */
describe('estimateUsage', () => {
  const messages = [{ role: 'user', content: 'one two three four five six' }];

  it('reserves the prompt and the completion bound of a chat request', () => {
    expect(estimateUsage('chat', { messages, max_tokens: 8 }, 256)).toEqual({ promptTokens: 7, completionTokens: 8 });
  });

  it('reserves nothing for counting a prompt, which uses no tokens', () => {
    expect(estimateUsage('count_tokens', { messages }, 256)).toEqual({ promptTokens: 0, completionTokens: 0 });
  });
});
