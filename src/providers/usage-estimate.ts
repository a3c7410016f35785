import type { Operation, Usage } from './provider.js';

/**
 * The documented estimate for tokens an upstream never reported (a stream cut before its usage
 * chunk, or a server that sends none): 4 characters per token, OpenAI's rule of thumb for English
 * text, rounded up. The completion is counted from the text delivered to the client, the prompt
 * from the request (its messages' text, or the prompt). Such usage is flagged `estimated`.
 */
export const charactersPerToken = 4;

export function estimatedTokens(characters: number): number {
  return Math.ceil(characters / charactersPerToken);
}

/** Usage counted from characters: the request's, and those delivered so far. */
export function estimatedUsage(operation: Operation, body: Record<string, unknown>, deliveredCharacters: number): Usage {
  return {
    promptTokens: estimatedTokens(promptCharacters(operation, body)),
    completionTokens: estimatedTokens(deliveredCharacters),
    estimated: true,
  };
}

/** Characters of the request's input: every message's text (chat), the prompt (completions), the input (embeddings). */
export function promptCharacters(operation: Operation, body: Record<string, unknown>): number {
  if (operation === 'chat') {
    const messages = Array.isArray(body.messages) ? (body.messages as Array<{ content?: unknown }>) : [];
    return messages.reduce((sum, message) => sum + textCharacters(message?.content), 0);
  }
  return textCharacters(operation === 'completion' ? body.prompt : body.input);
}

// Inside a JSON string a quote is escaped, so generated text cannot fake one of these keys.
const generatedText = /"(?:content|text|reasoning_content|reasoning|refusal|arguments)":"((?:[^"\\]|\\.)*)"/g;

/**
 * Characters of generated text in one OpenAI chunk's JSON (content, reasoning, refusal, tool-call
 * arguments, completion text), read without parsing the chunk: it runs for every chunk that passes.
 * Escapes count as written (`\n` as two), close enough for an estimate.
 */
export function chunkTextCharacters(payload: string): number {
  let characters = 0;
  generatedText.lastIndex = 0;
  for (let match = generatedText.exec(payload); match !== null; match = generatedText.exec(payload)) characters += match[1].length;
  return characters;
}

function textCharacters(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (!Array.isArray(value)) return 0;
  // Chat content parts ({type: 'text', text}), a list of prompts, or token ids (one token each, counted as 4 characters).
  return value.reduce<number>((sum, part) => {
    if (typeof part === 'string') return sum + part.length;
    if (typeof part === 'number') return sum + charactersPerToken;
    const text = (part as { text?: unknown } | null)?.text;
    return sum + (typeof text === 'string' ? text.length : Array.isArray(part) ? textCharacters(part) : 0);
  }, 0);
}
