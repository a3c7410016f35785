import type { JsonReply } from '../../../providers/provider.js';
import { anthropicUsage, stopReason } from '../../../providers/anthropic/messages-response.js';
import type { AnswerContext } from '../dialect.js';

interface ChatCompletion {
  choices?: Array<{
    message?: { content?: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> };
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null;
}

/**
 * A chat.completion as an Anthropic Message, the inverse of the Anthropic provider's
 * `toChatCompletion`: the text as a text block, each tool call as a `tool_use` block (its JSON
 * arguments parsed into `input`), finish_reason → stop_reason, usage with cached prompt tokens as
 * cache reads. Its id is the gateway's request id, so it leads to the request log.
 */
export function messageFromCompletion(reply: JsonReply, model: string, context: AnswerContext): Record<string, unknown> {
  const completion = reply.body as ChatCompletion;
  const choice = completion.choices?.[0];
  const text = typeof choice?.message?.content === 'string' ? choice.message.content : '';
  const calls = choice?.message?.tool_calls ?? [];
  const content: Array<Record<string, unknown>> = [];
  if (text || calls.length === 0) content.push({ type: 'text', text });
  for (const call of calls)
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInput(call.function.arguments) });
  const usage = completion.usage ?? {
    prompt_tokens: reply.usage?.promptTokens ?? 0,
    completion_tokens: reply.usage?.completionTokens ?? 0,
  };
  return {
    id: messageId(context),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: anthropicUsage(usage),
  };
}

export function messageId(context: AnswerContext): string {
  return `msg_${context.requestId}`;
}

/** A tool call's arguments as the object Anthropic's `input` is; arguments that are not a JSON object are kept under `arguments`. */
function toolInput(text: string): Record<string, unknown> {
  try {
    const input: unknown = JSON.parse(text || '{}');
    if (input && typeof input === 'object' && !Array.isArray(input)) return input as Record<string, unknown>;
  } catch {
    // falls through: the model wrote something that is not JSON
  }
  return { arguments: text };
}
