import type { JsonReply } from '../../../providers/provider.js';
import { parseOrThrow } from '../../../validation.js';
import type { AnswerContext, Dialect, DialectRequest } from '../dialect.js';
import { messageItem, responseObject, responsesUsage, statusOf, type OutputItem } from './response-object.js';
import { ResponsesEncoder } from './responses-events.js';
import { responsesRequestSchema, type ResponsesRequest } from './responses-schema.js';
import { toChatRequest } from './responses-to-chat.js';

/**
 * `POST /v1/responses` (OpenAI's Responses API) on the chat pipeline: the request is validated and
 * translated to a chat request, the answer is written back as a Response object or its typed
 * events. Errors keep OpenAI's shape.
 */
export const responsesDialect: Dialect = {
  operation: 'chat',
  recordAs: 'responses',
  errorShape: 'openai',
  schema: responsesRequestSchema,
  read(body): DialectRequest {
    const request = parseOrThrow(responsesRequestSchema, body, 'request');
    return {
      model: request.model,
      stream: request.stream === true,
      body: toChatRequest(request),
      json: (reply, context) => JSON.stringify(responseFromCompletion(request, context, reply)),
      encoder: (context) => new ResponsesEncoder(request, context),
    };
  },
};

interface ChatCompletion {
  choices?: Array<{
    message?: { content?: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> };
    finish_reason?: string | null;
  }>;
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number } | null;
    completion_tokens_details?: { reasoning_tokens?: number } | null;
  } | null;
}

/** A chat.completion as a Response: its text as a message item, its tool calls as function_call items. */
function responseFromCompletion(request: ResponsesRequest, context: AnswerContext, reply: JsonReply): Record<string, unknown> {
  const completion = reply.body as ChatCompletion;
  const choice = completion.choices?.[0];
  const text = typeof choice?.message?.content === 'string' ? choice.message.content : '';
  const calls = choice?.message?.tool_calls ?? [];
  const output: OutputItem[] = [];
  if (text || calls.length === 0) output.push(messageItem(`msg_${context.requestId}`, text, 'completed'));
  for (const call of calls) {
    output.push({
      type: 'function_call',
      id: `fc_${call.id}`,
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: 'completed',
    });
  }
  const usage = completion.usage;
  return responseObject(request, context, {
    status: statusOf(choice?.finish_reason),
    finishReason: choice?.finish_reason,
    output,
    usage: usage
      ? responsesUsage(
          usage.prompt_tokens ?? 0,
          usage.completion_tokens ?? 0,
          usage.prompt_tokens_details?.cached_tokens ?? 0,
          usage.completion_tokens_details?.reasoning_tokens ?? 0,
        )
      : reply.usage
        ? responsesUsage(reply.usage.promptTokens, reply.usage.completionTokens)
        : null,
  });
}
