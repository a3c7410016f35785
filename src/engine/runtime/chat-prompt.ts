import type { ChatHistoryItem, Token } from 'node-llama-cpp';
import type { EmbeddedEngine } from './embedded-engine.js';

/** One turn of a conversation, as the engine renders it. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  text: string;
}

export interface PromptTokens {
  tokens: Token[];
  /** Stop strings the prompt format adds to the client's own. */
  stops: string[];
}

/**
 * Renders a conversation with the GGUF's own chat template (through node-llama-cpp's template
 * support). A model without a template (base models such as stories260K) gets the documented
 * fallback: a plain transcript
 *
 *     {system text}\n\nUser: {text}\nAssistant: {text}\n…User: {text}\nAssistant:
 *
 * with "\nUser:" as an added stop so the model does not write the user's next turn.
 */
export async function renderChatPrompt(engine: EmbeddedEngine, turns: ChatTurn[], hasTemplate: boolean): Promise<PromptTokens> {
  if (!hasTemplate) return { tokens: engine.tokenize(transcript(turns), true), stops: ['\nUser:'] };
  const { resolveChatWrapper } = await import('node-llama-cpp');
  const wrapper = resolveChatWrapper(engine.model);
  const history: ChatHistoryItem[] = turns.map((turn) =>
    turn.role === 'assistant' ? { type: 'model', response: [turn.text] } : { type: turn.role, text: turn.text },
  );
  const { contextText } = wrapper.generateContextState({ chatHistory: [...history, { type: 'model', response: [] }] });
  return { tokens: contextText.tokenize(engine.model.tokenizer), stops: [] };
}

function transcript(turns: ChatTurn[]): string {
  const system = turns.filter((turn) => turn.role === 'system').map((turn) => turn.text);
  const dialogue = turns
    .filter((turn) => turn.role !== 'system')
    .map((turn) => `${turn.role === 'user' ? 'User' : 'Assistant'}: ${turn.text}\n`);
  return `${system.length > 0 ? `${system.join('\n')}\n\n` : ''}${dialogue.join('')}Assistant:`;
}
