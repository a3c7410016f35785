import type { Token } from 'node-llama-cpp';
import { DevupError } from '../../errors.js';
import { renderChatPrompt, type PromptTokens } from '../../engine/runtime/chat-prompt.js';
import type { EmbeddedEngine } from '../../engine/runtime/embedded-engine.js';
import type { AnswerFormat } from './answer-format.js';
import { chatTurns } from './chat-turns.js';

/** The prompt of a chat request: its OpenAI messages (and tools) rendered by the engine (template or transcript). */
export function chatPromptTokens(
  engine: EmbeddedEngine,
  body: Record<string, unknown>,
  hasTemplate: boolean,
  format: AnswerFormat,
): Promise<PromptTokens> {
  return renderChatPrompt(engine, chatTurns(body.messages, format), hasTemplate);
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
