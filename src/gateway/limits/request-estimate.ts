import type { Operation, Usage } from '../../providers/provider.js';

/** UTF-8 bytes per token of the estimate (about right for English text with BPE tokenizers). */
const bytesPerToken = 4;

/**
 * What a request may use at most, told before the upstream answers, for reserving against a key's
 * limits: prompt tokens estimated from its text (UTF-8 bytes / 4 of the messages' text, the
 * prompt or the input; the upstream's own tokenizer is not at hand), and the completion's bound
 * (`max_completion_tokens`, `max_tokens` or `max_output_tokens`, else `defaultCompletionTokens`;
 * none for embeddings); nothing for count_tokens.
 *
 * @example estimateUsage('chat', { messages: [{ role: 'user', content: 'one two three' }], max_tokens: 8 }, 256) // { promptTokens: 4, completionTokens: 8 }
 */
export function estimateUsage(operation: Operation, body: Record<string, unknown>, defaultCompletionTokens: number): Usage {
  // Counting a prompt's tokens uses none.
  if (operation === 'count_tokens') return { promptTokens: 0, completionTokens: 0 };
  const bytes = operation === 'chat' ? messagesBytes(body.messages) : textBytes(operation === 'embeddings' ? body.input : body.prompt);
  const completionTokens = operation === 'embeddings' ? 0 : (completionBound(body) ?? defaultCompletionTokens);
  return { promptTokens: Math.ceil(bytes / bytesPerToken), completionTokens };
}

function completionBound(body: Record<string, unknown>): number | undefined {
  for (const value of [body.max_completion_tokens, body.max_tokens, body.max_output_tokens]) {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }
  return undefined;
}

function messagesBytes(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let bytes = 0;
  for (const message of messages) {
    if (typeof message === 'object' && message !== null) bytes += textBytes((message as { content?: unknown }).content);
  }
  return bytes;
}

/** A string, content parts with `text`, token ids (one token each), or arrays of these; images count nothing. */
function textBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return bytesPerToken;
  if (Array.isArray(value)) {
    let bytes = 0;
    for (const item of value) bytes += textBytes(item);
    return bytes;
  }
  if (typeof value === 'object' && value !== null) return textBytes((value as { text?: unknown }).text);
  return 0;
}
