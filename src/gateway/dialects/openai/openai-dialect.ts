import type { DevupError } from '../../../errors.js';
import type { JsonReply } from '../../../providers/provider.js';
import { openAIRequestSchemas, type OpenAIOperation } from './openai-request-schemas.js';
import { checkRequestBody } from './request-body.js';
import type { Dialect, DialectRequest, StreamEncoder } from '../dialect.js';

/**
 * The OpenAI routes (chat completions, completions, embeddings): the body is checked against the
 * fields OpenAI defines and goes to the Provider as the client sent it; the answer comes back as
 * the Provider gave it, JSON text and stream chunks alike.
 */
export function openAIDialect(operation: OpenAIOperation): Dialect {
  return {
    operation,
    recordAs: operation,
    errorShape: 'openai',
    schema: openAIRequestSchemas[operation],
    read(body): DialectRequest {
      checkRequestBody(operation, body);
      return { model: body.model, stream: body.stream === true, body, json, encoder: () => chunkEncoder };
    },
  };
}

function json(reply: JsonReply): string {
  return reply.text ?? JSON.stringify(reply.body);
}

/** Each chunk as one `data:` event, `[DONE]` at the end, an OpenAI error event on a failure midway. */
const chunkEncoder: StreamEncoder = {
  open: () => '',
  chunk: (payload) => `data: ${payload}\n\n`,
  close: () => 'data: [DONE]\n\n',
  fail: (error: DevupError) => `data: ${JSON.stringify(error.toJSON())}\n\n`,
};
