import type { CountTokensRequest, MessagesContentBlock, MessagesRequest, MessagesTurn } from './messages-schema.js';

type ChatMessage = Record<string, unknown> & { role: string };
type ChatPart = Record<string, unknown> & { type: string };

/**
 * A Messages request as the internal chat-completions request, the inverse of the Anthropic
 * provider's `toMessagesRequest` (so an Anthropic target gets back what the client sent):
 * `system` → a system message; user turns → user messages, their `tool_result` blocks → `tool`
 * messages first; assistant turns → assistant messages, `tool_use` blocks → `tool_calls`
 * (thinking blocks dropped); images and documents → `image_url` and `file` parts (data URLs);
 * text keeps its `cache_control`. Tools, `tool_choice` (any → required, tool → a named function,
 * `disable_parallel_tool_use` → `parallel_tool_calls: false`), `output_config.format` → a strict
 * `json_schema` response format (named `output`), `max_tokens`, `stop_sequences` → `stop`,
 * temperature, top_p, top_k, thinking, `metadata.user_id` → `user`, stream.
 *
 * @example toChatRequest({ model: 'm', max_tokens: 64, system: 'Be brief', messages: [{ role: 'user', content: 'Hi' }] })
 *   // { model: 'm', messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Hi' }], max_tokens: 64 }
 */
export function toChatRequest(request: MessagesRequest | CountTokensRequest): Record<string, unknown> {
  const messages: ChatMessage[] = [];
  const { system } = request;
  if (system !== undefined && system.length > 0) {
    messages.push({ role: 'system', content: typeof system === 'string' ? system : chatContent(system.map(chatPart).filter(isPart)) });
  }
  for (const turn of request.messages) addTurn(messages, turn);
  const chat: Record<string, unknown> = { model: request.model, messages };
  if ('max_tokens' in request) {
    chat.max_tokens = request.max_tokens;
    if (request.stop_sequences && request.stop_sequences.length > 0) chat.stop = request.stop_sequences;
    if (request.temperature !== undefined) chat.temperature = request.temperature;
    if (request.top_p !== undefined) chat.top_p = request.top_p;
    if (request.top_k !== undefined) chat.top_k = request.top_k;
    if (request.metadata?.user_id) chat.user = request.metadata.user_id;
    if (request.stream) chat.stream = true;
  }
  if (request.thinking !== undefined) chat.thinking = request.thinking;
  const format = request.output_config?.format;
  if (format) chat.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema, strict: true } };
  if (request.tools && request.tools.length > 0) {
    chat.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.input_schema },
    }));
  }
  const choice = request.tool_choice;
  if (choice) {
    chat.tool_choice =
      choice.type === 'any' ? 'required' : choice.type === 'tool' ? { type: 'function', function: { name: choice.name } } : choice.type;
    if ('disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use) chat.parallel_tool_calls = false;
  }
  return chat;
}

function addTurn(messages: ChatMessage[], turn: MessagesTurn): void {
  if (typeof turn.content === 'string') {
    messages.push({ role: turn.role, content: turn.content });
    return;
  }
  if (turn.role === 'assistant') {
    const parts: ChatPart[] = [];
    const toolCalls: unknown[] = [];
    for (const block of turn.content) {
      if (block.type === 'tool_use')
        toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
      else {
        const part = chatPart(block);
        if (part) parts.push(part);
      }
    }
    const message: ChatMessage = { role: 'assistant', content: parts.length > 0 ? chatContent(parts) : null };
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    messages.push(message);
    return;
  }
  // A user turn: its tool results answer the assistant's calls, so they come first, as tool messages.
  const parts: ChatPart[] = [];
  for (const block of turn.content) {
    if (block.type === 'tool_result') {
      const content =
        block.content === undefined
          ? ''
          : typeof block.content === 'string'
            ? block.content
            : chatContent(block.content.map(chatPart).filter(isPart));
      messages.push({ role: 'tool', tool_call_id: block.tool_use_id, content });
    } else {
      const part = chatPart(block);
      if (part) parts.push(part);
    }
  }
  if (parts.length > 0) messages.push({ role: 'user', content: chatContent(parts) });
}

function chatPart(block: MessagesContentBlock): ChatPart | undefined {
  switch (block.type) {
    case 'text':
      return block.cache_control
        ? { type: 'text', text: block.text, cache_control: block.cache_control }
        : { type: 'text', text: block.text };
    case 'image': {
      const { source } = block;
      return {
        type: 'image_url',
        image_url: { url: source.type === 'url' ? source.url : `data:${source.media_type};base64,${source.data}` },
      };
    }
    case 'document': {
      const { source } = block;
      if (source.type === 'text') return { type: 'text', text: source.data };
      return {
        type: 'file',
        file: { file_data: `data:${source.media_type};base64,${source.data}`, ...(block.title ? { filename: block.title } : {}) },
      };
    }
    default:
      return undefined; // thinking: nothing a chat request can carry (tool blocks are read by the turn)
  }
}

const isPart = (part: ChatPart | undefined): part is ChatPart => part !== undefined;

/** A lone plain text part as a string, which every chat server reads (not all read part arrays). */
function chatContent(parts: ChatPart[]): string | ChatPart[] {
  return parts.length === 1 && parts[0].type === 'text' && !parts[0].cache_control ? (parts[0].text as string) : parts;
}
