import type { AnswerContext } from '../dialect.js';
import type { ResponsesRequest } from './responses-schema.js';

/** An output item of a Response: the assistant's text, or one function call. */
export type OutputItem =
  | {
      type: 'message';
      id: string;
      status: 'in_progress' | 'completed';
      role: 'assistant';
      content: Array<{ type: 'output_text'; text: string; annotations: []; logprobs: [] }>;
    }
  | { type: 'function_call'; id: string; call_id: string; name: string; arguments: string; status: 'in_progress' | 'completed' };

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** What an answer came to, as a Response tells it. */
export interface ResponseState {
  status: ResponseStatus;
  output: OutputItem[];
  /** The chat finish_reason, for `incomplete_details`. */
  finishReason?: string | null;
  usage?: ResponsesUsage | null;
  error?: { code: string; message: string } | null;
}

/**
 * The Response object (`object: "response"`) of one answer: the request's settings echoed, the
 * output items, status and usage. Its id is the gateway's request id, so it leads to the request log.
 */
export function responseObject(request: ResponsesRequest, context: AnswerContext, state: ResponseState): Record<string, unknown> {
  return {
    id: `resp_${context.requestId}`,
    object: 'response',
    created_at: context.createdAt,
    status: state.status,
    error: state.error ?? null,
    incomplete_details: state.status === 'incomplete' ? { reason: incompleteReason(state.finishReason) } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: request.model,
    output: state.output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: request.temperature ?? 1,
    text: { format: request.text?.format ?? { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? 1,
    truncation: 'disabled',
    usage: state.usage ?? null,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  };
}

/** `completed`, or `incomplete` when the answer was cut (max tokens, content filter). */
export function statusOf(finishReason: string | null | undefined): ResponseStatus {
  return finishReason === 'length' || finishReason === 'content_filter' ? 'incomplete' : 'completed';
}

function incompleteReason(finishReason: string | null | undefined): string {
  return finishReason === 'content_filter' ? 'content_filter' : 'max_output_tokens';
}

export function messageItem(id: string, text: string, status: 'in_progress' | 'completed'): OutputItem {
  return { type: 'message', id, status, role: 'assistant', content: status === 'completed' ? [outputText(text)] : [] };
}

export function outputText(text: string) {
  return { type: 'output_text' as const, text, annotations: [] as [], logprobs: [] as [] };
}

export function responsesUsage(input: number, output: number, cached = 0, reasoning = 0): ResponsesUsage {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  };
}
