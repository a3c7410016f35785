import type { ResponsesContentPart, ResponsesInputItem, ResponsesRequest, ResponsesTextFormat } from './responses-schema.js';

type ChatMessage = Record<string, unknown> & { role: string };

/**
 * A Responses request as the internal chat-completions request: `instructions` → a system message,
 * `input` (a string, or items) → messages (`function_call` items → the assistant's `tool_calls`,
 * `function_call_output` items → `tool` messages, reasoning items dropped), `max_output_tokens` →
 * `max_tokens`, function tools and `tool_choice` → chat's, `text.format` → `response_format`.
 *
 * @example toChatRequest({ model: 'm', input: 'Hi', instructions: 'Be brief' })
 *   // { model: 'm', messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Hi' }] }
 */
export function toChatRequest(request: ResponsesRequest): Record<string, unknown> {
  const messages: ChatMessage[] = [];
  if (request.instructions) messages.push({ role: 'system', content: request.instructions });
  if (typeof request.input === 'string') messages.push({ role: 'user', content: request.input });
  else for (const item of request.input) addItem(messages, item);

  const chat: Record<string, unknown> = { model: request.model, messages };
  if (request.max_output_tokens != null) chat.max_tokens = request.max_output_tokens;
  if (request.temperature != null) chat.temperature = request.temperature;
  if (request.top_p != null) chat.top_p = request.top_p;
  if (request.tools && request.tools.length > 0) {
    chat.tools = request.tools.map(({ name, description, parameters, strict }) => ({
      type: 'function',
      function: {
        name,
        ...(description != null ? { description } : {}),
        parameters: parameters ?? { type: 'object', properties: {} },
        ...(strict != null ? { strict } : {}),
      },
    }));
  }
  const choice = request.tool_choice;
  if (choice != null) chat.tool_choice = typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
  if (request.parallel_tool_calls != null) chat.parallel_tool_calls = request.parallel_tool_calls;
  const format = responseFormat(request.text?.format);
  if (format) chat.response_format = format;
  if (request.user != null) chat.user = request.user;
  if (request.stream) chat.stream = true;
  return chat;
}

function addItem(messages: ChatMessage[], item: ResponsesInputItem): void {
  switch (item.type) {
    case 'message':
      messages.push({ role: item.role, content: chatContent(item.content) });
      return;
    case 'function_call': {
      const call = { id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } };
      // Calls of one turn go into one assistant message, after its text if it had some.
      const last = messages.at(-1);
      if (last?.role === 'assistant') last.tool_calls = [...((last.tool_calls as unknown[]) ?? []), call];
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      return;
    }
    case 'function_call_output':
      messages.push({
        role: 'tool',
        tool_call_id: item.call_id,
        content: chatContent(item.output),
      });
      return;
    default:
      return; // reasoning: nothing a chat request can carry
  }
}

/** A string stays one; so does a lone text part, which every chat server reads (not all read part arrays). */
function chatContent(content: string | ResponsesContentPart[]): string | Array<Record<string, unknown>> {
  if (typeof content === 'string') return content;
  const parts = content.map(chatPart);
  return parts.length === 1 && parts[0].type === 'text' ? (parts[0].text as string) : parts;
}

function chatPart(part: ResponsesContentPart): Record<string, unknown> {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text };
    case 'refusal':
      return { type: 'text', text: part.refusal };
    case 'input_image':
      return { type: 'image_url', image_url: { url: part.image_url, ...(part.detail ? { detail: part.detail } : {}) } };
    case 'input_file':
      return { type: 'file', file: { file_data: part.file_data, ...(part.filename ? { filename: part.filename } : {}) } };
  }
}

function responseFormat(format: ResponsesTextFormat | null | undefined): Record<string, unknown> | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  const { name, schema, description, strict } = format;
  return {
    type: 'json_schema',
    json_schema: { name, schema, ...(description != null ? { description } : {}), ...(strict != null ? { strict } : {}) },
  };
}
