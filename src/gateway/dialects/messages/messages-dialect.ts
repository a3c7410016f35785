import { parseOrThrow } from '../../../validation.js';
import type { Dialect, DialectRequest } from '../dialect.js';
import { messageFromCompletion } from './message-object.js';
import { MessagesEncoder } from './messages-events.js';
import { countTokensRequestSchema, messagesRequestSchema } from './messages-schema.js';
import { toChatRequest } from './messages-to-chat.js';

/**
 * `POST /v1/messages` (Anthropic's Messages API, inbound) on the chat pipeline: the request is
 * validated as Anthropic does (`max_tokens` required) and translated to a chat request, the answer
 * is written back as a Message or its events. Errors take Anthropic's shape.
 */
export const messagesDialect: Dialect = {
  operation: 'chat',
  recordAs: 'messages',
  errorShape: 'anthropic',
  schema: messagesRequestSchema,
  read(body): DialectRequest {
    const request = parseOrThrow(messagesRequestSchema, body, 'request');
    return {
      model: request.model,
      stream: request.stream === true,
      body: toChatRequest(request),
      json: (reply, context) => JSON.stringify(messageFromCompletion(reply, request.model, context)),
      encoder: (context) => new MessagesEncoder(request.model, context),
    };
  },
};

/**
 * `POST /v1/messages/count_tokens` on the same pipeline: the prompt of a Messages request,
 * translated to a chat request that the target counts (`count_tokens` operation; targets that
 * cannot count refuse it with a 400). Answers `{ input_tokens }`.
 */
export const countTokensDialect: Dialect = {
  operation: 'count_tokens',
  recordAs: 'count_tokens',
  errorShape: 'anthropic',
  schema: countTokensRequestSchema,
  read(body): DialectRequest {
    const request = parseOrThrow(countTokensRequestSchema, body, 'request');
    return {
      model: request.model,
      stream: false,
      body: toChatRequest(request),
      json: (reply) => JSON.stringify({ input_tokens: reply.body.input_tokens }),
      // A count is never streamed (its body never asks to be); Messages events are this route's stream shape.
      encoder: (context) => new MessagesEncoder(request.model, context),
    };
  },
};
