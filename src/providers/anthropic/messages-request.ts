import { DevupError, type FieldError } from '../../errors.js';
import { formatTool } from './format-tool.js';
import { toContentBlocks, type ContentBlock } from './messages-content.js';

/**
 * `max_tokens` sent when the client gives neither `max_completion_tokens` nor `max_tokens`: the
 * Messages API requires one, and 4096 is within every current Claude model's output limit.
 */
export const defaultMaxTokens = 4096;

/**
 * Anthropic request fields without an OpenAI counterpart that clients may send as they are.
 * (`metadata` and `service_tier` are not among them: OpenAI uses those names for other values.)
 */
const passThroughFields = ['top_k', 'thinking'] as const;

interface Turn {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

/** A Messages request, and the tool that the chat request's `response_format` became in it (its input is the answer). */
export interface MessagesCall {
  request: Record<string, unknown>;
  formatTool: string | undefined;
}

/**
 * An OpenAI chat-completions (or completions) request as a Messages API request: system and
 * developer messages → `system`; user, assistant and tool turns → alternating `messages` (turns of
 * the same role merged; tool results become `tool_result` blocks of a user turn, assistant
 * `tool_calls` become `tool_use` blocks); tools and tool_choice; `response_format` → a tool the
 * model must call (see `formatTool`); `max_completion_tokens` ?? `max_tokens` ??
 * `defaultMaxTokens`; temperature, top_p, stop → stop_sequences, user → metadata.user_id, stream.
 * Other OpenAI fields (logprobs, seed, penalties…) have no Messages counterpart and are dropped.
 * Throws DevupError('invalid_request') listing every field it cannot translate.
 *
 * @example toMessagesCall({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] }, 'chat').request
 *   // { model: 'claude-sonnet-4-5', max_tokens: 4096, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }
 */
export function toMessagesCall(body: Record<string, any>, operation: 'chat' | 'completion'): MessagesCall {
  const errors: FieldError[] = [];
  const messages = operation === 'chat' ? body.messages : [{ role: 'user', content: promptOf(body.prompt, errors) }];
  if (!Array.isArray(messages) || messages.length === 0) errors.push({ path: 'messages', message: 'must be a non-empty array' });
  const { system, turns } = Array.isArray(messages) ? toTurns(messages, errors) : { system: undefined, turns: [] };

  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? defaultMaxTokens;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) errors.push({ path: 'max_tokens', message: 'must be a positive integer' });
  if (body.n !== undefined && body.n !== null && body.n !== 1)
    errors.push({ path: 'n', message: 'Anthropic targets return one choice; n must be 1' });

  const request: Record<string, unknown> = { model: body.model, max_tokens: maxTokens, messages: turns };
  if (system !== undefined) request.system = system;
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  if (typeof body.top_p === 'number') request.top_p = body.top_p;
  for (const field of passThroughFields) if (body[field] !== undefined) request[field] = body[field];
  const stop = typeof body.stop === 'string' ? [body.stop] : Array.isArray(body.stop) ? body.stop : [];
  if (stop.length > 0) request.stop_sequences = stop;
  if (typeof body.user === 'string') request.metadata = { user_id: body.user };
  const format = operation === 'chat' ? addTools(body, request, errors) : undefined;
  if (body.stream === true) request.stream = true;

  if (errors.length > 0) {
    throw new DevupError(
      'invalid_request',
      `Cannot translate the request for Anthropic: ${errors.map((error) => `${error.path} ${error.message}`).join('; ')}`,
      { fieldErrors: errors },
    );
  }
  return { request, formatTool: format };
}

/** `toMessagesCall`'s request alone. */
export function toMessagesRequest(body: Record<string, any>, operation: 'chat' | 'completion'): Record<string, unknown> {
  return toMessagesCall(body, operation).request;
}

function promptOf(prompt: unknown, errors: FieldError[]): string {
  if (typeof prompt === 'string') return prompt;
  if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string') return prompt[0];
  errors.push({ path: 'prompt', message: 'must be one string for Anthropic targets' });
  return '';
}

function toTurns(messages: any[], errors: FieldError[]): { system: string | ContentBlock[] | undefined; turns: Turn[] } {
  const systemBlocks: ContentBlock[] = [];
  const turns: Turn[] = [];
  const add = (role: Turn['role'], content: ContentBlock[]) => {
    if (content.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...content);
    else turns.push({ role, content });
  };
  messages.forEach((message, index) => {
    const path = `messages[${index}]`;
    switch (message?.role) {
      case 'system':
      case 'developer':
        systemBlocks.push(...toContentBlocks(message.content, `${path}.content`, errors));
        break;
      case 'user':
        add('user', toContentBlocks(message.content, `${path}.content`, errors));
        break;
      case 'assistant':
        add('assistant', [...toContentBlocks(message.content, `${path}.content`, errors), ...toolUses(message.tool_calls, path, errors)]);
        break;
      case 'tool':
        add('user', [toolResult(message, path, errors)]);
        break;
      default:
        errors.push({ path: `${path}.role`, message: `role '${String(message?.role)}' is not supported` });
    }
  });
  // A plain string unless some part asks for prompt caching, which needs the block form.
  const system =
    systemBlocks.length === 0
      ? undefined
      : systemBlocks.some((block) => block.cache_control)
        ? systemBlocks
        : systemBlocks.map((block) => block.text).join('\n\n');
  if (systemBlocks.some((block) => block.type !== 'text'))
    errors.push({ path: 'messages', message: 'system messages may only contain text' });
  return { system, turns };
}

function toolUses(toolCalls: unknown, path: string, errors: FieldError[]): ContentBlock[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.map((call: any, index) => {
    let input: unknown = {};
    try {
      input = call?.function?.arguments ? JSON.parse(call.function.arguments) : {};
    } catch {
      errors.push({ path: `${path}.tool_calls[${index}].function.arguments`, message: 'must be JSON' });
    }
    return { type: 'tool_use', id: call?.id, name: call?.function?.name, input };
  });
}

function toolResult(message: any, path: string, errors: FieldError[]): ContentBlock {
  if (typeof message.tool_call_id !== 'string') errors.push({ path: `${path}.tool_call_id`, message: 'must be a string' });
  const content = typeof message.content === 'string' ? message.content : toContentBlocks(message.content, `${path}.content`, errors);
  return { type: 'tool_result', tool_use_id: message.tool_call_id, content };
}

/** Adds the tools and tool_choice; answers the name of the tool that the response format became, if it became one. */
function addTools(body: Record<string, any>, request: Record<string, unknown>, errors: FieldError[]): string | undefined {
  const tools: Array<Record<string, unknown>> = [];
  if (Array.isArray(body.tools)) {
    body.tools.forEach((tool: any, index: number) => {
      if (tool?.type !== 'function' || typeof tool.function?.name !== 'string') {
        errors.push({ path: `tools[${index}]`, message: "must be { type: 'function', function: { name, … } }" });
      }
      const definition: Record<string, unknown> = {
        name: tool?.function?.name,
        input_schema: tool?.function?.parameters ?? { type: 'object', properties: {} },
      };
      if (tool?.function?.description) definition.description = tool.function.description;
      tools.push(definition);
    });
  }
  const choice = body.tool_choice;
  let toolChoice: Record<string, unknown> | undefined;
  if (choice === 'auto') toolChoice = { type: 'auto' };
  else if (choice === 'required') toolChoice = { type: 'any' };
  else if (choice === 'none') toolChoice = { type: 'none' };
  else if (choice?.type === 'function' && typeof choice.function?.name === 'string')
    toolChoice = { type: 'tool', name: choice.function.name };
  else if (choice !== undefined && choice !== null)
    errors.push({ path: 'tool_choice', message: "must be 'auto', 'required', 'none' or a named function" });

  // An answer that must be a call has no format to follow; any other is the format tool's input, or a call where tools are offered.
  const format = toolChoice?.type === 'any' || toolChoice?.type === 'tool' ? undefined : formatTool(body.response_format, errors);
  if (format) {
    if (tools.some((tool) => tool.name === format.name)) {
      errors.push({ path: 'response_format.json_schema.name', message: `names a tool of the request (${format.name}); rename the schema` });
    }
    toolChoice = tools.length > 0 && toolChoice?.type !== 'none' ? { type: 'any' } : { type: 'tool', name: format.name };
    tools.push({ ...format });
  }
  if (tools.length > 0) request.tools = tools;
  if (body.parallel_tool_calls === false && request.tools && toolChoice?.type !== 'none')
    toolChoice = { ...(toolChoice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  if (toolChoice) request.tool_choice = toolChoice;
  return format?.name;
}
