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
const deltaOpening = '"delta":{';

/**
 * The delta of a chunk's first choice; undefined for a chunk without choices (the usage chunk).
 * Most chunks of a stream only add text: those are read without parsing the whole chunk (most of
 * a translated stream's cost), by taking the text of a compact `"delta":{"content":"…"}` whose
 * choice has no finish. Any other chunk gives the same answer through `JSON.parse`.
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
 * The text of a chunk whose delta holds its content alone and whose choice is not finished, or
 * undefined. Inside JSON strings quotes are escaped, so `"content":"` can only be a key. Scans are
 * few and short (string search is what this costs): one to the key, then the rest of the chunk.
 * The rest must not hold a second content (several choices; dialect requests never ask for them).
 */
function plainContent(payload: string): string | undefined {
  const key = payload.indexOf(contentKey);
  if (key === -1 || !payload.startsWith(deltaOpening, key - deltaOpening.length)) return undefined;
  const open = key + contentKey.length;
  let close = open;
  let escaped = false;
  for (let code = payload.charCodeAt(close); code !== 34 /* " */; code = payload.charCodeAt(close)) {
    if (Number.isNaN(code)) return undefined;
    if (code === 92 /* \ */) escaped = true;
    close += code === 92 ? 2 : 1;
  }
  const rest = close + 1;
  if (payload.charCodeAt(rest) !== 125 /* } */ || !payload.includes('"finish_reason":null', rest) || payload.includes(contentKey, rest)) {
    return undefined;
  }
  return escaped ? (JSON.parse(payload.slice(open - 1, rest)) as string) : payload.slice(open, close);
}
