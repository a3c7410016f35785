/** What a dialect's encoder reads of one internal stream chunk (an OpenAI chat.completion.chunk). */
export interface ChatDelta {
  /** Text added to the answer ('' when none). */
  content: string;
  toolCalls?: ToolCallDelta[];
  finishReason?: string | null;
}

export interface ToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

const contentKey = '"content":"';

/**
 * The delta of a chunk's first choice; undefined for a chunk without choices (the usage chunk).
 * Most chunks of a stream only add text: those are read without parsing the whole chunk (a third
 * of a translated stream's cost), by taking the one `"content":"…"` string of a compact chunk that
 * has no finish and no tool calls. In any other chunk, the same answer comes from `JSON.parse`.
 *
 * @example readChatDelta('{"id":"c1","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}') // { content: 'Hi' }
 */
export function readChatDelta(payload: string): ChatDelta | undefined {
  const content = plainContent(payload);
  if (content !== undefined) return { content };
  const choice = JSON.parse(payload).choices?.[0];
  if (!choice) return undefined;
  const delta = choice.delta ?? {};
  return {
    content: typeof delta.content === 'string' ? delta.content : '',
    toolCalls: Array.isArray(delta.tool_calls) ? delta.tool_calls : undefined,
    finishReason: choice.finish_reason,
  };
}

/**
 * The text of a chunk that only adds text, or undefined. Inside JSON strings quotes are escaped,
 * so `"content":"` and `"finish_reason":null` can only be the chunk's own keys; a chunk with a
 * second such key (several choices) or anything else unexpected goes to the full parse.
 */
function plainContent(payload: string): string | undefined {
  if (!payload.includes('"finish_reason":null') || payload.includes('"tool_calls":[{')) return undefined;
  const key = payload.indexOf(contentKey);
  if (key === -1 || payload.includes(contentKey, key + contentKey.length)) return undefined;
  const open = key + contentKey.length - 1;
  let close = open + 1;
  while (close < payload.length && payload.charCodeAt(close) !== 34 /* " */) close += payload.charCodeAt(close) === 92 /* \ */ ? 2 : 1;
  if (close >= payload.length) return undefined;
  return JSON.parse(payload.slice(open, close + 1)) as string;
}
