import type { ChatHistoryItem, Token } from 'node-llama-cpp';
import { z } from 'zod';
import { DevupError } from '../../errors.js';
import type { EmbeddedEngine } from './embedded-engine.js';
import { requestError } from './request-error.js';

export interface PromptTokens {
  tokens: Token[];
  /** Stop strings the prompt format adds to the client's own. */
  stops: string[];
}

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

type ChatMessage = { role: 'system' | 'user' | 'assistant'; text: string };

/**
 * Renders OpenAI chat messages with the GGUF's own chat template (through node-llama-cpp's
 * template support). A model without a template (base models such as stories260K) gets the
 * documented fallback: a plain transcript
 *
 *     {system text}\n\nUser: {text}\nAssistant: {text}\n…User: {text}\nAssistant:
 *
 * with "\nUser:" as an added stop so the model does not write the user's next turn.
 */
export async function chatPromptTokens(engine: EmbeddedEngine, body: Record<string, unknown>, hasTemplate: boolean): Promise<PromptTokens> {
  const messages = readMessages(body.messages);
  if (!hasTemplate) return { tokens: engine.tokenize(transcript(messages), true), stops: ['\nUser:'] };
  const { resolveChatWrapper } = await import('node-llama-cpp');
  const wrapper = resolveChatWrapper(engine.model);
  const history: ChatHistoryItem[] = messages.map((message) =>
    message.role === 'assistant' ? { type: 'model', response: [message.text] } : { type: message.role, text: message.text },
  );
  const { contextText } = wrapper.generateContextState({ chatHistory: [...history, { type: 'model', response: [] }] });
  return { tokens: contextText.tokenize(engine.model.tokenizer), stops: [] };
}

function transcript(messages: ChatMessage[]): string {
  const system = messages.filter((message) => message.role === 'system').map((message) => message.text);
  const turns = messages
    .filter((message) => message.role !== 'system')
    .map((message) => `${message.role === 'user' ? 'User' : 'Assistant'}: ${message.text}\n`);
  return `${system.length > 0 ? `${system.join('\n')}\n\n` : ''}${turns.join('')}Assistant:`;
}

function readMessages(input: unknown): ChatMessage[] {
  const parsed = messagesSchema.safeParse(input);
  if (!parsed.success) throw requestError(parsed.error.issues, ['messages']);
  return parsed.data.map((message) => ({
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
