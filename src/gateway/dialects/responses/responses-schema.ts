import { z } from 'zod';

/**
 * The Responses API request (`POST /v1/responses`) as DevUp serves it: stateless (nothing is kept,
 * so nothing can be referred to later), function tools only. Fields DevUp does not use are
 * accepted and ignored, as OpenAI's newer fields should not break older gateways; fields that
 * need state or OpenAI's own services are refused with a message that says so.
 */
const stateless = (field: string) =>
  z
    .null({
      error: `${field} is not supported: DevUp's Responses API is stateless (as with store: false), so send the whole conversation in input`,
    })
    .optional();

const inputText = z.object({ type: z.literal('input_text'), text: z.string() });
const outputText = z.object({ type: z.literal('output_text'), text: z.string() });
const refusal = z.object({ type: z.literal('refusal'), refusal: z.string() });
const inputImage = z.object({
  type: z.literal('input_image'),
  image_url: z.string({ error: 'image_url is required (file ids need OpenAI’s file store)' }),
  detail: z.enum(['low', 'high', 'auto']).nullish(),
});
const inputFile = z.object({
  type: z.literal('input_file'),
  file_data: z.string({ error: 'file_data (a base64 data URL) is required (file ids need OpenAI’s file store)' }),
  filename: z.string().nullish(),
});
const contentPart = z.discriminatedUnion('type', [inputText, outputText, refusal, inputImage, inputFile]);
export type ResponsesContentPart = z.output<typeof contentPart>;

const messageItem = z.object({
  type: z.literal('message'),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(contentPart)]),
});
const functionCallItem = z.object({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});
const functionCallOutputItem = z.object({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(contentPart)]),
});
// Reasoning items of an earlier answer, sent back by agents: nothing to translate, so they are dropped.
const reasoningItem = z.object({ type: z.literal('reasoning') });
const itemReference = z.object({ type: z.literal('item_reference'), id: z.string().nullish() }).refine(() => false, {
  message:
    'item_reference is not supported: DevUp keeps no items (stateless), so send the items themselves (the AI SDK does with providerOptions.openai.store = false)',
});

// A message may leave out its type ({ role, content }), as the SDK's EasyInputMessage does.
const inputItem = z.preprocess(
  (item) => (item && typeof item === 'object' && !('type' in item) ? { ...item, type: 'message' } : item),
  z.discriminatedUnion('type', [messageItem, functionCallItem, functionCallOutputItem, reasoningItem, itemReference]),
);
export type ResponsesInputItem = z.output<typeof inputItem>;

const functionTool = z.object({
  type: z.literal('function', {
    error: 'only function tools are supported (built-in tools such as web_search or file_search run on OpenAI’s own service)',
  }),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
export type ResponsesFunctionTool = z.output<typeof functionTool>;

const toolChoice = z.union([z.enum(['auto', 'none', 'required']), z.object({ type: z.literal('function'), name: z.string().min(1) })]);

const textFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string().min(1),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().nullish(),
    strict: z.boolean().nullish(),
  }),
]);
export type ResponsesTextFormat = z.output<typeof textFormat>;

export const responsesRequestSchema = z.object({
  model: z.string({ error: 'must be a deployment name' }).min(1, 'must be a deployment name'),
  input: z.union([z.string(), z.array(inputItem).min(1)]),
  instructions: z.string().nullish(),
  max_output_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  tools: z.array(functionTool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.object({ format: textFormat.nullish() }).nullish(),
  stream: z.boolean().nullish(),
  user: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  store: z.boolean().nullish(),
  previous_response_id: stateless('previous_response_id'),
  conversation: stateless('conversation'),
  prompt: z.null({ error: 'prompt (a stored prompt template) is not supported: send instructions and input instead' }).optional(),
  background: z.literal(false, { error: 'background responses are not supported: DevUp keeps no responses to poll' }).nullish(),
});

export type ResponsesRequest = z.output<typeof responsesRequestSchema>;
