import type { Usage } from '../provider.js';

/** The parts of an Anthropic Messages response we read. */
export interface AnthropicMessage {
  id: string;
  model: string;
  content: Array<{ type: string; text?: string; thinking?: string; id?: string; name?: string; input?: unknown }>;
  stop_reason: string | null;
  usage: AnthropicUsage;
}

export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

const finishReasons: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** OpenAI finish_reason for an Anthropic stop_reason (end_turn/stop_sequence → stop, max_tokens → length, tool_use → tool_calls). */
export function finishReason(stopReason: string | null | undefined): string {
  return (stopReason && finishReasons[stopReason]) || 'stop';
}

/** The other way: Anthropic stop_reason for an OpenAI finish_reason (the first stop_reason that maps to it). */
const stopReasons: Record<string, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

/** Anthropic stop_reason for an OpenAI finish_reason (stop → end_turn, length → max_tokens, tool_calls → tool_use). */
export function stopReason(finishReason: string | null | undefined): string {
  return (finishReason && stopReasons[finishReason]) || 'end_turn';
}

/**
 * OpenAI usage for Anthropic usage. Anthropic's input_tokens exclude cached input, so the
 * prompt is input + cache writes + cache reads; cache reads are also reported as cached_tokens.
 */
export function openAIUsage(usage: AnthropicUsage) {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const promptTokens = (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + cacheRead;
  const completionTokens = usage.output_tokens ?? 0;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}

/** The other way: Anthropic usage for OpenAI usage, cached prompt tokens as cache reads (input_tokens excludes them). */
export function anthropicUsage(usage: {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}) {
  const cacheRead = usage.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input_tokens: (usage.prompt_tokens ?? 0) - cacheRead,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage.completion_tokens ?? 0,
  };
}

export function normalizedUsage(usage: AnthropicUsage): Usage {
  const openAI = openAIUsage(usage);
  return { promptTokens: openAI.prompt_tokens, completionTokens: openAI.completion_tokens };
}

/**
 * A Messages response as an OpenAI `chat.completion`: text blocks joined into `content` (null
 * when there is only tool use, as OpenAI does), tool_use blocks as `tool_calls`, thinking blocks
 * as `reasoning_content` (the field DeepSeek and vLLM use). With `formatTool` (the tool a
 * `response_format` became, see `formatTool`), that tool's input is the answer: its JSON is the
 * `content`, text blocks beside it are left out (they would break the JSON the client parses), and
 * a turn that ended only to deliver it finishes with `stop`.
 *
 * @example toChatCompletion({ id: 'msg_1', model: 'claude', content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn', usage })
 *   // { id: 'msg_1', object: 'chat.completion', choices: [{ message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }], … }
 */
export function toChatCompletion(
  message: AnthropicMessage,
  { created = Math.floor(Date.now() / 1000), formatTool }: { created?: number; formatTool?: string } = {},
): Record<string, unknown> {
  const formatted =
    formatTool === undefined ? undefined : message.content.find((block) => block.type === 'tool_use' && block.name === formatTool);
  const text = formatted
    ? JSON.stringify(formatted.input ?? {})
    : message.content
        .filter((block) => block.type === 'text')
        .map((block) => block.text ?? '')
        .join('');
  const toolCalls = message.content
    .filter((block) => block.type === 'tool_use' && block !== formatted)
    .map((block) => ({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } }));
  const assistant: Record<string, unknown> = { role: 'assistant', content: text || (toolCalls.length > 0 ? null : '') };
  if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
  const thinking = message.content
    .filter((block) => block.type === 'thinking')
    .map((block) => block.thinking ?? '')
    .join('');
  if (thinking) assistant.reasoning_content = thinking;
  const finish = formatted && toolCalls.length === 0 && message.stop_reason === 'tool_use' ? 'stop' : finishReason(message.stop_reason);
  return {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [{ index: 0, message: assistant, logprobs: null, finish_reason: finish }],
    usage: openAIUsage(message.usage),
  };
}

/** A Messages response as an OpenAI `text_completion` (the answer to `/v1/completions`). */
export function toTextCompletion(message: AnthropicMessage, created = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  const text = message.content
    .filter((block) => block.type === 'text')
    .map((block) => block.text ?? '')
    .join('');
  return {
    id: message.id,
    object: 'text_completion',
    created,
    model: message.model,
    choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason(message.stop_reason) }],
    usage: openAIUsage(message.usage),
  };
}
