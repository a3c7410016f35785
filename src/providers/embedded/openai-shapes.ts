import crypto from 'node:crypto';
import type { Usage } from '../provider.js';
import type { AnswerDelta, ToolCall } from './answer-reader.js';

/** The identity every chunk and the final body of one answer share. */
export interface AnswerIdentity {
  id: string;
  created: number;
  model: string;
}

export function answerIdentity(kind: 'chat' | 'completion', model: string): AnswerIdentity {
  const prefix = kind === 'chat' ? 'chatcmpl' : 'cmpl';
  return { id: `${prefix}-${crypto.randomBytes(12).toString('base64url')}`, created: Math.floor(Date.now() / 1000), model };
}

export function usageBody(usage: Usage) {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

/** A chat answer: its text, or (content null) the one tool call the model made. */
export function chatCompletion(identity: AnswerIdentity, answer: { content: string; call?: ToolCall }, finishReason: string, usage: Usage) {
  const message = answer.call
    ? { role: 'assistant', content: null, tool_calls: [toolCallJson(answer.call)], refusal: null }
    : { role: 'assistant', content: answer.content, refusal: null };
  return {
    ...identity,
    object: 'chat.completion',
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: usageBody(usage),
  };
}

function toolCallJson(call: ToolCall) {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}

/** A chat chunk's delta for what a piece of the answer adds (OpenAI's shape for streamed tool calls). */
export function chatDelta(delta: AnswerDelta): ChunkDelta {
  if (delta.kind === 'content') return { content: delta.text };
  if (delta.kind === 'call') return { content: null, tool_calls: [{ index: 0, ...toolCallJson(delta.call) }] };
  return { tool_calls: [{ index: 0, function: { arguments: delta.text } }] };
}

export interface ChunkDelta {
  role?: 'assistant';
  content?: string | null;
  tool_calls?: Array<{ index: number; id?: string; type?: string; function: { name?: string; arguments: string } }>;
}

export function textCompletion(identity: AnswerIdentity, text: string, finishReason: string, usage: Usage) {
  return {
    ...identity,
    object: 'text_completion',
    choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }],
    usage: usageBody(usage),
  };
}

/** One streamed chunk's JSON: a text delta, or the closing chunk when `finishReason` is set. */
export function chunkJson(
  kind: 'chat' | 'completion',
  identity: AnswerIdentity,
  delta: ChunkDelta,
  finishReason: string | null = null,
): string {
  if (kind === 'chat') {
    return JSON.stringify({
      ...identity,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    });
  }
  return JSON.stringify({
    ...identity,
    object: 'text_completion',
    choices: [{ index: 0, text: delta.content ?? '', logprobs: null, finish_reason: finishReason }],
  });
}

/**
 * The chunk of a text delta alone, `chunkJson(kind, identity, { content: text })` to the byte, from a
 * template of the answer's frame with the escaped text spliced in: most chunks of a stream are these,
 * one per token, and serialising the whole object for each is most of what a token costs here.
 *
 * @example
 *   const textChunk = textChunkTemplate('completion', identity);
 *   textChunk('Once'); // '{"id":"cmpl-…",…,"choices":[{"index":0,"text":"Once","logprobs":null,"finish_reason":null}]}'
 */
export function textChunkTemplate(kind: 'chat' | 'completion', identity: AnswerIdentity): (text: string) => string {
  const frame = chunkJson(kind, identity, { content: textMark });
  // The identity comes first and may hold anything (the model name is the client's), so the mark is the last match.
  const at = frame.lastIndexOf(markJson);
  const [before, after] = [frame.slice(0, at), frame.slice(at + markJson.length)];
  return (text) => before + JSON.stringify(text) + after;
}

const textMark = '\u0000text';
const markJson = JSON.stringify(textMark);

/** The last chunk of a stream with `stream_options.include_usage`: no choices, the usage. */
export function usageChunkJson(kind: 'chat' | 'completion', identity: AnswerIdentity, usage: Usage): string {
  return JSON.stringify({
    ...identity,
    object: kind === 'chat' ? 'chat.completion.chunk' : 'text_completion',
    choices: [],
    usage: usageBody(usage),
  });
}
