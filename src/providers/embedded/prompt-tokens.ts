import type { Token } from 'node-llama-cpp';
import { z } from 'zod';
import { DevupError } from '../../errors.js';
import { renderChatPrompt, type ChatTurn, type PromptTokens } from '../../engine/runtime/chat-prompt.js';
import type { EmbeddedEngine } from '../../engine/runtime/embedded-engine.js';
import { parseOrThrow } from '../../validation.js';

const contentSchema = z.union([
  z.string(),
  z.array(z.object({ type: z.literal('text', { error: 'the embedded engine reads text parts only' }), text: z.string() })),
]);
const messagesSchema = z
  .array(
    z.object({
      role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
      content: contentSchema.nullish(),
    }),
  )
  .min(1);

/** The prompt of a chat request: its OpenAI messages rendered by the engine (template or transcript). */
export function chatPromptTokens(engine: EmbeddedEngine, body: Record<string, unknown>, hasTemplate: boolean): Promise<PromptTokens> {
  return renderChatPrompt(engine, readMessages(body.messages), hasTemplate);
}

function readMessages(input: unknown): ChatTurn[] {
  return parseOrThrow(messagesSchema, input, 'request', ['messages']).map((message) => ({
    // Developer messages are system messages for older models; tool results read as user turns.
    role: message.role === 'developer' ? 'system' : message.role === 'tool' ? 'user' : message.role,
    text: typeof message.content === 'string' ? message.content : (message.content ?? []).map((part) => part.text).join(''),
  }));
}

/** A completion prompt: one string, or one array of token ids. */
export function completionPromptTokens(engine: EmbeddedEngine, prompt: unknown): PromptTokens {
  const single = Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string' ? prompt[0] : prompt;
  if (typeof single === 'string') return { tokens: engine.tokenize(single, true), stops: [] };
  if (Array.isArray(single) && single.length > 0 && single.every((token) => Number.isInteger(token) && token >= 0)) {
    return { tokens: single as Token[], stops: [] };
  }
  throw new DevupError(
    'invalid_request',
    'prompt must be one string or one array of token ids (the embedded engine completes one prompt per request)',
    {
      param: 'prompt',
    },
  );
}
