import { z } from 'zod';

/**
 * Anthropic's Messages API request (`POST /v1/messages`) as DevUp serves it, required fields as
 * Anthropic requires them (`max_tokens` included). Fields DevUp does not use are accepted and
 * ignored; server tools (web search, code execution…) run on Anthropic's side and are refused.
 */
const required = (what: string) => (issue: { input: unknown }) => (issue.input === undefined ? 'Field required' : what);

const cacheControl = z.object({ type: z.literal('ephemeral'), ttl: z.string().optional() }).nullish();
const textBlock = z.object({ type: z.literal('text'), text: z.string(), cache_control: cacheControl });
const base64Source = z.object({ type: z.literal('base64'), media_type: z.string(), data: z.string() });
const urlSource = z.object({ type: z.literal('url'), url: z.string() });
const imageBlock = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [base64Source, urlSource]),
  cache_control: cacheControl,
});
const documentBlock = z.object({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [base64Source, z.object({ type: z.literal('text'), media_type: z.string(), data: z.string() })], {
    error: 'document sources must be base64 or text (file ids need Anthropic’s file store)',
  }),
  title: z.string().nullish(),
  cache_control: cacheControl,
});
const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});
const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});
// An assistant's thinking sent back with its turn: nothing a chat request can carry, so it is dropped.
const thinkingBlock = z.object({ type: z.enum(['thinking', 'redacted_thinking']) });
const contentBlock = z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock, toolUseBlock, toolResultBlock, thinkingBlock]);
export type MessagesContentBlock = z.output<typeof contentBlock>;

const message = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlock)]),
});
export type MessagesTurn = z.output<typeof message>;

const tool = z.object({
  type: z.literal('custom', { error: 'only client tools are supported (server tools run on Anthropic’s own service)' }).optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});

const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('none') }),
]);

// Structured outputs: the answer is JSON that fits the schema (`effort` and fields added later are accepted and ignored).
const outputConfig = z.object({
  format: z.object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).nullish(),
});

/** What `count_tokens` reads: the prompt of a Messages request (the output format included: it may add to the prompt), without the answer's settings. */
export const countTokensRequestSchema = z.object({
  model: z.string({ error: required('must be a deployment name') }).min(1, 'must be a deployment name'),
  messages: z.array(message, { error: required('must be an array of messages') }).min(1, 'must not be empty'),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  thinking: z.record(z.string(), z.unknown()).optional(),
  output_config: outputConfig.optional(),
});

export const messagesRequestSchema = countTokensRequestSchema.extend({
  max_tokens: z
    .number({ error: required('must be a positive integer') })
    .int()
    .min(1),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  metadata: z.object({ user_id: z.string().nullish() }).optional(),
  stream: z.boolean().optional(),
});

export type CountTokensRequest = z.output<typeof countTokensRequestSchema>;
export type MessagesRequest = z.output<typeof messagesRequestSchema>;
