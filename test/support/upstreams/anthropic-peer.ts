import { countWords, PeerServer, splitText, type PeerExchange } from './peer-server.js';
import { sampleOf } from './schema-sample.js';

export type { PeerBehavior, RecordedRequest } from './peer-server.js';

export interface AnthropicPeerOptions {
  /** When set, requests must carry `x-api-key: <apiKey>` or get 401 `authentication_error`. */
  apiKey?: string;
  /** Reported as cache_read_input_tokens / cache_creation_input_tokens on every answer (default 0). */
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
}

/**
 * A small real Anthropic Messages API server for tests (`127.0.0.1`, free port): `POST
 * /v1/messages` (whole or streamed), `POST /v1/messages/count_tokens` (the input_tokens its answer
 * would report) and `GET /v1/models`. It requires `anthropic-version` and
 * `max_tokens` as Anthropic does, and answers deterministically:
 * - text: `Echo: <text of the last user turn>` (its text blocks and tool_result contents);
 * - usage: input_tokens = words of the system prompt and all turns (see `countWords`),
 *   output_tokens = words of the text plus words of the tool input JSON;
 * - stop: a `stop_sequences` entry found in the text cuts it there (stop_reason `stop_sequence`);
 *   `max_tokens` below the word count cuts it to that many words (`max_tokens`); else `end_turn`;
 * - tools: with `tool_choice` `any`/`tool` (or `behavior.toolUse`), a text block then a tool_use
 *   block calling the named (or first) tool with an input that fits its `input_schema`, strings
 *   holding the last user text (`sampleOf`: `{ "text": … }` for a tool taking one text),
 *   stop_reason `tool_use`;
 * - stream: exactly Anthropic's event sequence: message_start, content_block_start, ping, one
 *   text_delta per word (or `behavior.chunks`), content_block_stop, [tool_use block with
 *   input_json_delta pieces], message_delta (stop_reason, output usage), message_stop.
 * Errors use Anthropic's body `{"type":"error","error":{"type","message"}}` (529 →
 * overloaded_error); in-stream errors are `event: error`. Every request is recorded; failure
 * modes: see `PeerBehavior` (queue them with `peer.queue`).
 *
 * @example
 *   const peer = await startAnthropicPeer({ apiKey: 'sk-ant' });
 *   const provider = createAnthropicProvider({ baseUrl: peer.origin, apiKey: 'sk-ant', timeouts });
 */
export async function startAnthropicPeer(options: AnthropicPeerOptions = {}) {
  let sequence = 0;
  const server = new PeerServer(async (exchange) => {
    const { method, path, headers, body } = exchange.request;
    if (options.apiKey && headers['x-api-key'] !== options.apiKey) return fail(exchange, 401, 'invalid x-api-key');
    if (!headers['anthropic-version']) return fail(exchange, 400, 'anthropic-version: header is required');
    if (exchange.behavior.status) return fail(exchange, exchange.behavior.status, exchange.behavior.message);
    if (method === 'GET' && path.startsWith('/v1/models')) {
      return exchange.json(200, {
        data: [{ type: 'model', id: 'claude-peer', display_name: 'Claude Peer', created_at: '2025-01-01T00:00:00Z' }],
        has_more: false,
        first_id: 'claude-peer',
        last_id: 'claude-peer',
      });
    }
    if (method === 'POST' && path === '/v1/messages/count_tokens') {
      if (!body || !Array.isArray(body.messages)) return fail(exchange, 400, 'messages: Field required');
      if (body.max_tokens !== undefined) return fail(exchange, 400, 'max_tokens: Extra inputs are not permitted');
      return exchange.json(200, { input_tokens: inputWords(body) });
    }
    if (method !== 'POST' || path !== '/v1/messages') return fail(exchange, 404, `Unknown route ${method} ${path}`);
    if (!body || !Array.isArray(body.messages)) return fail(exchange, 400, 'messages: Field required');
    if (!Number.isInteger(body.max_tokens)) return fail(exchange, 400, 'max_tokens: Field required');
    return answer(exchange, ++sequence, options);
  });
  await server.start();
  return server;
}

export type AnthropicPeer = Awaited<ReturnType<typeof startAnthropicPeer>>;

const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function fail(exchange: PeerExchange, status: number, message?: string) {
  const headers: Record<string, string> = { 'request-id': 'req_peer' };
  if (exchange.behavior.retryAfter) headers['retry-after'] = exchange.behavior.retryAfter;
  const type = errorTypes[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  exchange.json(status, { type: 'error', error: { type, message: message ?? `peer failure ${status}` } }, headers);
}

function answer(exchange: PeerExchange, sequence: number, options: AnthropicPeerOptions) {
  const body = exchange.request.body;
  const lastUser = [...body.messages].reverse().find((turn: any) => turn.role === 'user');
  const userText = blocksText(lastUser?.content);
  let text = `Echo: ${userText}`;
  let stopReason = 'end_turn';
  let stopSequence: string | null = null;
  for (const candidate of body.stop_sequences ?? []) {
    const at = text.indexOf(candidate);
    if (at !== -1) {
      text = text.slice(0, at);
      stopReason = 'stop_sequence';
      stopSequence = candidate;
      break;
    }
  }
  if (countWords(text) > body.max_tokens) {
    text = text.split(/\s+/).filter(Boolean).slice(0, body.max_tokens).join(' ');
    stopReason = 'max_tokens';
  }
  const tool = toolCall(exchange, userText);
  if (tool) stopReason = 'tool_use';

  const usage = {
    input_tokens: inputWords(body),
    cache_creation_input_tokens: options.cacheCreationTokens ?? 0,
    cache_read_input_tokens: options.cacheReadTokens ?? 0,
    output_tokens: countWords(text) + (tool ? countWords(JSON.stringify(tool.input)) : 0),
  };
  const id = `msg_peer_${sequence}`;
  const content: Array<Record<string, unknown>> = [{ type: 'text', text }];
  if (tool) content.push({ type: 'tool_use', id: `toolu_peer_${sequence}`, name: tool.name, input: tool.input });
  if (body.stream !== true) {
    return exchange.json(200, {
      id,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content,
      stop_reason: stopReason,
      stop_sequence: stopSequence,
      usage,
    });
  }

  const event = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
  const pieces = splitText(text, exchange.behavior.chunks);
  const events = [
    event('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
    event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    event('ping', { type: 'ping' }),
    ...pieces.map((piece) =>
      event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }),
    ),
    event('content_block_stop', { type: 'content_block_stop', index: 0 }),
  ];
  if (tool) {
    const input = JSON.stringify(tool.input);
    const half = Math.floor(input.length / 2);
    events.push(
      event('content_block_start', {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: content[1].id, name: tool.name, input: {} },
      }),
      ...['', input.slice(0, half), input.slice(half)].map((partial) =>
        event('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: partial } }),
      ),
      event('content_block_stop', { type: 'content_block_stop', index: 1 }),
    );
  }
  events.push(
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: stopSequence },
      usage: { output_tokens: usage.output_tokens },
    }),
    event('message_stop', { type: 'message_stop' }),
  );
  return exchange.stream(
    events,
    (index) => index >= 3 && index < 3 + pieces.length,
    (message) => event('error', { type: 'error', error: { type: 'overloaded_error', message } }),
  );
}

function toolCall(exchange: PeerExchange, userText: string): { name: string; input: Record<string, unknown> } | undefined {
  if (exchange.behavior.toolUse) return exchange.behavior.toolUse;
  const { tools, tool_choice: choice } = exchange.request.body;
  if (!Array.isArray(tools) || tools.length === 0 || (choice?.type !== 'any' && choice?.type !== 'tool')) return undefined;
  const tool = choice.type === 'tool' ? tools.find((offered: { name: string }) => offered.name === choice.name) : tools[0];
  if (!tool) return undefined;
  return { name: tool.name, input: sampleOf(tool.input_schema ?? {}, userText) as Record<string, unknown> };
}

/** The peer's input tokens: words of the system prompt and of every turn. */
function inputWords(body: any): number {
  const systemText = typeof body.system === 'string' ? body.system : blocksText(body.system);
  return countWords([systemText, ...body.messages.map((turn: any) => blocksText(turn.content))].join(' '));
}

/** Text of Anthropic content: a string, or text blocks and tool_result contents joined by spaces. */
function blocksText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: any) => (block?.type === 'text' ? block.text : block?.type === 'tool_result' ? blocksText(block.content) : ''))
    .filter(Boolean)
    .join(' ');
}
