import { countWords, PeerServer, splitText, type PeerExchange } from './peer-server.js';
import { sampleOf } from './schema-sample.js';

export type { PeerBehavior, RecordedRequest } from './peer-server.js';

export interface OpenAIPeerOptions {
  /** Ids listed by `GET /v1/models` (default `['peer-model']`). */
  models?: string[];
  /** When set, requests must carry `Authorization: Bearer <apiKey>` or get 401 `invalid_api_key`. */
  apiKey?: string;
}

/**
 * A small real OpenAI-compatible server for tests (`127.0.0.1`, free port), serving under `/v1`:
 * `GET /models`, `GET /models/{id}`, `POST /chat/completions`, `POST /completions`,
 * `POST /embeddings`, streaming or not. Answers are derived from the input so tests can check
 * them:
 * - chat: `Echo: <text of the last user message>` (text parts joined by spaces; a tool result after
 *   it counts as its text); completions: `Echo: <prompt>`; `max_tokens`/`max_completion_tokens`
 *   below the word count cut the reply to that many words with finish_reason `length`, else `stop`;
 * - tools: with `tool_choice` `required` or a named function, a call of the named (or first) tool
 *   with arguments `{"text": <that text>}` and finish_reason `tool_calls` (streamed as id and name,
 *   then the arguments in two pieces);
 * - `response_format`: `json_object` → `{"echo": <text>}`; `json_schema` → a document that fits the
 *   schema (see `sampleOf`);
 * - usage: prompt_tokens = words in all messages (or the prompt), completion_tokens = words in
 *   the reply (see `countWords`);
 * - stream: a role chunk, the reply split into one delta per word (or `behavior.chunks` deltas),
 *   a finish chunk, a usage chunk (`choices: []`) when `stream_options.include_usage` (and
 *   `usage: null` on the others, as OpenAI does), then `[DONE]`;
 * - embeddings: `peerEmbedding(text, dimensions ?? 8)` per input, float or `encoding_format: base64`.
 * Every request is recorded (`peer.requests`, raw text included). Failure modes: see
 * `PeerBehavior`; in-stream errors are `data: {"error":{…}}` as vLLM sends them.
 *
 * @example
 *   const peer = await startOpenAIPeer();
 *   peer.queue({ status: 429, retryAfter: '1' });
 *   const provider = createOpenAICompatibleProvider({ baseUrl: peer.baseUrl, timeouts });
 *   // … finally: await peer.stop();
 */
export async function startOpenAIPeer(options: OpenAIPeerOptions = {}) {
  const models = options.models ?? ['peer-model'];
  let sequence = 0;
  const server = new PeerServer(async (exchange) => {
    const { method, path, headers, body } = exchange.request;
    if (options.apiKey && headers.authorization !== `Bearer ${options.apiKey}`) {
      return fail(exchange, 401, 'Incorrect API key provided', 'invalid_api_key');
    }
    if (exchange.behavior.status) return fail(exchange, exchange.behavior.status, exchange.behavior.message);
    const route = `${method} ${path.split('?')[0]}`;
    if (route === 'GET /v1/models') return exchange.json(200, { object: 'list', data: models.map(modelObject) });
    if (method === 'GET' && path.startsWith('/v1/models/')) {
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      return models.includes(id)
        ? exchange.json(200, modelObject(id))
        : fail(exchange, 404, `The model '${id}' does not exist`, 'model_not_found');
    }
    if (method === 'POST' && !body) return fail(exchange, 400, 'The body must be JSON');
    const id = ++sequence;
    if (route === 'POST /v1/chat/completions')
      return generate(
        exchange,
        'chat',
        id,
        messagesText(body.messages),
        lastUserText(body.messages),
        toolCallOf(body, lastUserText(body.messages)),
      );
    if (route === 'POST /v1/completions') {
      const prompt = Array.isArray(body.prompt) ? body.prompt.join(' ') : String(body.prompt ?? '');
      return generate(exchange, 'completion', id, prompt, prompt);
    }
    if (route === 'POST /v1/embeddings') return embed(exchange, body);
    return fail(exchange, 404, `Unknown route ${route}`);
  });
  await server.start();
  return Object.assign(server, {
    /** `http://127.0.0.1:PORT/v1`, what an OpenAI client or provider takes as base URL. */
    baseUrl: `${server.origin}/v1`,
  });
}

export type OpenAIPeer = Awaited<ReturnType<typeof startOpenAIPeer>>;

const created = 1735689600;

function modelObject(id: string) {
  return { id, object: 'model', created, owned_by: 'peer' };
}

function fail(exchange: PeerExchange, status: number, message?: string, code: string | null = null) {
  const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  const headers: Record<string, string> = exchange.behavior.retryAfter ? { 'retry-after': exchange.behavior.retryAfter } : {};
  exchange.json(status, { error: { message: message ?? `peer failure ${status}`, type, param: null, code } }, headers);
}

function generate(
  exchange: PeerExchange,
  kind: 'chat' | 'completion',
  sequence: number,
  promptText: string,
  replyTo: string,
  toolCall?: { name: string; arguments: string },
) {
  const body = exchange.request.body;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  let reply = kind === 'chat' ? formatted(body.response_format, replyTo) : `Echo: ${replyTo}`;
  let finishReason = 'stop';
  if (toolCall) {
    reply = '';
    finishReason = 'tool_calls';
  } else if (typeof maxTokens === 'number' && countWords(reply) > maxTokens) {
    reply = reply.split(/\s+/).filter(Boolean).slice(0, maxTokens).join(' ');
    finishReason = 'length';
  }
  const promptTokens = countWords(promptText);
  const completionTokens = countWords(reply) + (toolCall ? countWords(toolCall.arguments) : 0);
  const call = toolCall && { id: `call_peer_${sequence}`, type: 'function', function: toolCall };
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const id = kind === 'chat' ? `chatcmpl-peer-${sequence}` : `cmpl-peer-${sequence}`;
  const model = body.model;
  if (body.stream !== true) {
    const message = call
      ? { role: 'assistant', content: null, refusal: null, tool_calls: [call] }
      : { role: 'assistant', content: reply, refusal: null };
    const choice =
      kind === 'chat'
        ? { index: 0, message, logprobs: null, finish_reason: finishReason }
        : { index: 0, text: reply, logprobs: null, finish_reason: finishReason };
    return exchange.json(200, {
      id,
      object: kind === 'chat' ? 'chat.completion' : 'text_completion',
      created,
      model,
      choices: [choice],
      usage,
    });
  }
  const includeUsage = body.stream_options?.include_usage === true;
  const object = kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
  const event = (choices: unknown[], extra: Record<string, unknown> = includeUsage ? { usage: null } : {}) =>
    `data: ${JSON.stringify({ id, object, created, model, choices, ...extra })}\n\n`;
  const choice = (text: string | undefined, finish: string | null, role?: string) =>
    kind === 'chat'
      ? {
          index: 0,
          delta: text === undefined ? {} : role ? { role, content: text } : { content: text },
          logprobs: null,
          finish_reason: finish,
        }
      : { index: 0, text: text ?? '', logprobs: null, finish_reason: finish };
  const pieces = call ? [] : splitText(reply, exchange.behavior.chunks);
  // A tool call streams as OpenAI's does: its id and name first, then its arguments in pieces.
  const callDeltas = (call: { id: string; function: { name: string; arguments: string } }) => {
    const half = Math.floor(call.function.arguments.length / 2);
    const delta = (toolCall: Record<string, unknown>) => ({
      index: 0,
      delta: { tool_calls: [toolCall] },
      logprobs: null,
      finish_reason: null,
    });
    return [
      event([delta({ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } })]),
      event([delta({ index: 0, function: { arguments: call.function.arguments.slice(0, half) } })]),
      event([delta({ index: 0, function: { arguments: call.function.arguments.slice(half) } })]),
    ];
  };
  const events = [
    ...(kind === 'chat' ? [event([choice('', null, 'assistant')])] : []),
    ...(call ? callDeltas(call) : []),
    ...pieces.map((piece) => event([choice(piece, null)])),
    event([choice(undefined, finishReason)]),
    ...(includeUsage ? [event([], { usage })] : []),
    'data: [DONE]\n\n',
  ];
  const firstContent = kind === 'chat' ? 1 : 0;
  return exchange.stream(
    events,
    (index) => index >= firstContent && index < firstContent + pieces.length,
    (message) => `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } })}\n\n`,
  );
}

function embed(exchange: PeerExchange, body: any) {
  const inputs: unknown[] = Array.isArray(body.input) && typeof body.input[0] !== 'number' ? body.input : [body.input];
  const texts = inputs.map((input) => (Array.isArray(input) ? input.join(' ') : String(input)));
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : 8;
  const data = texts.map((text, index) => {
    const vector = peerEmbedding(text, dimensions);
    const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  const tokens = texts.reduce((sum, text) => sum + countWords(text), 0);
  exchange.json(200, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

/** The peer's embedding of a text: deterministic, values in [0, 1), exactly representable as float32. */
export function peerEmbedding(text: string, dimensions: number): number[] {
  let sum = 0;
  for (let index = 0; index < text.length; index++) sum += text.charCodeAt(index);
  return Array.from({ length: dimensions }, (_, index) => ((sum * (index + 1)) % 1024) / 1024);
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part) => part?.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join(' ');
}

function messagesText(messages: unknown): string {
  return Array.isArray(messages) ? messages.map((message) => contentText(message?.content)).join(' ') : '';
}

/** The text the reply echoes: the last user message's, or a tool result's that came after it. */
function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  const last = [...messages].reverse().find((message) => message?.role === 'user' || message?.role === 'tool');
  return contentText(last?.content);
}

/**
 * The tool call the peer answers with when the request forces one (`tool_choice` `required` or a
 * named function): the named (or first) tool, with arguments `{ "text": <the last user text> }`.
 */
function toolCallOf(body: any, text: string): { name: string; arguments: string } | undefined {
  const { tools, tool_choice: choice } = body;
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  if (choice !== 'required' && choice?.type !== 'function') return undefined;
  const name = choice?.type === 'function' ? choice.function.name : tools[0].function.name;
  return { name, arguments: JSON.stringify({ text }) };
}

/** The reply in the asked format: `Echo: …`, `{"echo": …}` for json_object, or a JSON document that fits a json_schema. */
function formatted(format: any, text: string): string {
  if (format?.type === 'json_object') return JSON.stringify({ echo: text });
  if (format?.type === 'json_schema') return JSON.stringify(sampleOf(format.json_schema?.schema ?? {}, text));
  return `Echo: ${text}`;
}
