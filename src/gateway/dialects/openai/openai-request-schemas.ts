import { z } from 'zod';
import type { Operation } from '../../../providers/provider.js';

/** The operations the OpenAI routes ask of Providers as they are (count_tokens is the Messages API's). */
export type OpenAIOperation = Exclude<Operation, 'count_tokens'>;

/**
 * The fields of the OpenAI request bodies the gateway serves, as the OpenAI API defines them
 * (types, ranges, required parts). Objects are loose: a field OpenAI does not define (a provider's
 * extension) passes through untouched, and the body forwarded upstream is the client's own, not
 * the parsed copy. Used for validation before anything is charged or sent, and for the OpenAPI
 * document.
 */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish();
const penalty = optional(z.number().min(-2).max(2));
const stop = optional(z.union([z.string(), z.array(z.string()).max(16)]));
const streamOptions = optional(z.object({ include_usage: optional(z.boolean()) }).loose());
const logitBias = optional(z.record(z.string(), z.number().min(-100).max(100)));
const functionName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"');

/** A content part: text, image, audio or file as OpenAI defines them; other types are providers' own. */
const contentPart = z
  .object({ type: z.string().min(1) })
  .loose()
  .superRefine((part, context) => {
    const required: Record<string, string> = { text: 'text', image_url: 'image_url', input_audio: 'input_audio', file: 'file' };
    const field = required[part.type];
    if (field === undefined) return;
    const value = (part as Record<string, unknown>)[field];
    const valid = field === 'text' ? typeof value === 'string' : typeof value === 'object' && value !== null;
    if (!valid)
      context.addIssue({
        code: 'custom',
        path: [field],
        message: `a ${part.type} part needs ${field === 'text' ? 'a string' : 'an object'} '${field}'`,
      });
  });
const content = z.union([z.string(), z.array(contentPart)], { error: 'must be a string or an array of content parts' });

const toolCall = z
  .object({
    id: z.string(),
    type: z.literal('function'),
    function: z.object({ name: z.string(), arguments: z.string() }).loose(),
  })
  .loose();

const message = z.discriminatedUnion(
  'role',
  [
    z.object({ role: z.literal('system'), content, name: optional(z.string()) }).loose(),
    z.object({ role: z.literal('developer'), content, name: optional(z.string()) }).loose(),
    z.object({ role: z.literal('user'), content, name: optional(z.string()) }).loose(),
    z
      .object({
        role: z.literal('assistant'),
        content: optional(content),
        tool_calls: optional(z.array(toolCall)),
        name: optional(z.string()),
      })
      .loose(),
    z.object({ role: z.literal('tool'), content, tool_call_id: z.string() }).loose(),
    z.object({ role: z.literal('function'), content: z.string().nullable(), name: z.string() }).loose(),
  ],
  { error: 'must have a role: system, developer, user, assistant, tool or function' },
);

const tool = z
  .object({
    type: z.literal('function'),
    function: z
      .object({
        name: functionName,
        description: optional(z.string()),
        parameters: optional(z.record(z.string(), z.unknown())),
        strict: optional(z.boolean()),
      })
      .loose(),
  })
  .loose();

const toolChoice = optional(
  z.union([
    z.enum(['none', 'auto', 'required']),
    z.object({ type: z.literal('function'), function: z.object({ name: z.string() }).loose() }).loose(),
  ]),
);

const responseFormat = optional(
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('text') }).loose(),
    z.object({ type: z.literal('json_object') }).loose(),
    z
      .object({
        type: z.literal('json_schema'),
        json_schema: z
          .object({
            name: functionName,
            description: optional(z.string()),
            schema: optional(z.record(z.string(), z.unknown())),
            strict: optional(z.boolean()),
          })
          .loose(),
      })
      .loose(),
  ]),
);

const common = {
  model: z.string({ error: 'must be a string (a deployment name)' }).min(1),
  user: optional(z.string()),
};

const sampling = {
  temperature: optional(z.number().min(0).max(2)),
  top_p: optional(z.number().min(0).max(1)),
  n: optional(z.number().int().min(1).max(128)),
  stop,
  presence_penalty: penalty,
  frequency_penalty: penalty,
  logit_bias: logitBias,
  seed: optional(z.number().int()),
  stream: optional(z.boolean()),
  stream_options: streamOptions,
};

export const chatCompletionRequestSchema = z
  .object({
    ...common,
    ...sampling,
    messages: z.array(message, { error: 'must be an array of messages' }).min(1),
    max_tokens: optional(z.number().int().min(1)),
    max_completion_tokens: optional(z.number().int().min(1)),
    logprobs: optional(z.boolean()),
    top_logprobs: optional(z.number().int().min(0).max(20)),
    response_format: responseFormat,
    tools: optional(z.array(tool).max(128)),
    tool_choice: toolChoice,
    parallel_tool_calls: optional(z.boolean()),
  })
  .loose();

const tokenIds = z.array(z.number().int().min(0));

export const completionRequestSchema = z
  .object({
    ...common,
    ...sampling,
    prompt: z.union([z.string(), z.array(z.string()), tokenIds, z.array(tokenIds)], {
      error: 'must be a string, an array of strings, an array of token ids or an array of those',
    }),
    max_tokens: optional(z.number().int().min(0)),
    logprobs: optional(z.number().int().min(0).max(5)),
    echo: optional(z.boolean()),
    best_of: optional(z.number().int().min(1).max(20)),
    suffix: optional(z.string()),
  })
  .loose();

export const embeddingsRequestSchema = z
  .object({
    ...common,
    input: z.union([z.string(), z.array(z.string()).min(1).max(2048), tokenIds.min(1), z.array(tokenIds).min(1).max(2048)], {
      error: 'must be a string, an array of strings, an array of token ids or an array of those',
    }),
    encoding_format: optional(z.enum(['float', 'base64'])),
    dimensions: optional(z.number().int().min(1)),
    stream: optional(z.literal(false, { error: 'embeddings cannot be streamed' })),
  })
  .loose();

export const openAIRequestSchemas: Record<OpenAIOperation, z.ZodType> = {
  chat: chatCompletionRequestSchema,
  completion: completionRequestSchema,
  embeddings: embeddingsRequestSchema,
};
