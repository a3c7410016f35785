import { DevupError } from '../errors.js';

/**
 * Seam 1: how the gateway talks to one upstream kind (OpenAI-compatible HTTP, Anthropic
 * Messages, the embedded llama.cpp engine). Providers speak OpenAI shapes on both sides of
 * this interface; the gateway core never asks which kind it holds.
 *
 * @example
 *   const reply = await provider.call({ operation: 'chat', body: { model: 'deepseek-chat', messages }, signal });
 *   if (reply.kind === 'stream') for await (const chunk of reply.chunks) write(`data: ${chunk}\n\n`);
 *   const usage = reply.kind === 'json' ? reply.usage : reply.usage(); // a stream's once its chunks were read
 */
export interface Provider {
  readonly kind: string;
  /**
   * Runs one request. Resolves once the upstream has answered (headers, or first chunk for a
   * stream); rejects with `UpstreamError` before that. Errors after the first chunk are thrown
   * from the chunk iterator.
   */
  call(request: ProviderRequest): Promise<ProviderReply>;
  /** Resolves when the upstream is healthy; rejects otherwise. */
  health(signal: AbortSignal): Promise<void>;
  /** Releases connections, processes or loaded weights. */
  close(): Promise<void>;
}

/**
 * What a Provider is asked for. `count_tokens` takes a chat request and answers its prompt's token
 * count as JSON `{ input_tokens }`, where the upstream can count exactly (Anthropic's count_tokens,
 * the embedded engine's tokenizer); a Provider that cannot refuses it with `invalid_request`.
 */
export type Operation = 'chat' | 'completion' | 'embeddings' | 'count_tokens';

export interface ProviderRequest {
  operation: Operation;
  /**
   * The client's OpenAI request body with `model` replaced by the upstream model name. Fields the
   * gateway does not know are passed through untouched. A stream ends with the usage chunk
   * (`choices: []`) only when `stream_options.include_usage` is true, as OpenAI does; its usage
   * is reported through `usage()` either way.
   */
  body: Record<string, unknown>;
  /**
   * `body` as the JSON text the client sent, when nothing in it was changed: a provider that sends
   * the body as it is may send these bytes rather than serialise the object again.
   */
  text?: string;
  /** Aborted when the client disconnects or a timeout fires; providers stop work at once. */
  signal: AbortSignal;
}

/** Tokens of one answer, the same for every provider kind, JSON or stream; what usage records and limits count. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** True when the upstream never reported them and they were counted from the text (`usage-estimate.ts`). */
  estimated?: boolean;
}

export interface JsonReply {
  kind: 'json';
  /** The OpenAI response object (chat.completion, text_completion, list of embeddings). */
  body: Record<string, unknown>;
  usage?: Usage;
  /**
   * `body` as the exact JSON text the upstream sent, when the provider passed it on unchanged
   * (OpenAI-compatible upstreams). The gateway may write it as is instead of serialising `body`
   * again; absent when the provider built `body` itself (translation).
   */
  text?: string;
}

export interface StreamReply {
  kind: 'stream';
  /** Each item is the JSON text of one OpenAI chunk (one SSE `data:` payload), without `[DONE]`. */
  chunks: AsyncIterable<string>;
  /**
   * The answer's usage, read after the chunks: as the upstream reported it once the chunks that
   * tell it have passed (normally at the end). A stream that broke off first (the upstream died,
   * the client left) or ended without a report still tells what was delivered: the provider counts
   * as the chunks pass, exactly where it can (the embedded engine's tokens), else as the documented
   * estimate, flagged `estimated`.
   */
  usage(): Usage | undefined;
  /**
   * The prompt's tokens where the provider knows them by the first chunk (the engine counted them;
   * Anthropic's `message_start` told them); undefined where only the stream's end tells them
   * (OpenAI-compatible upstreams put usage in their last chunk), or absent.
   */
  promptTokens?(): number | undefined;
}

export type ProviderReply = JsonReply | StreamReply;

/**
 * An upstream failure. `retryable` tells the router it may try again (connect errors, 429, 5xx);
 * `retryAfterMs` carries the upstream's Retry-After.
 */
export class UpstreamError extends DevupError {
  constructor(
    message: string,
    readonly upstreamStatus: number | undefined,
    readonly retryable: boolean,
    options: { retryAfterMs?: number; timeout?: boolean; cause?: unknown } = {},
  ) {
    super(options.timeout ? 'upstream_timeout' : statusCode(upstreamStatus), message, {
      cause: options.cause,
      status: passThroughStatus(upstreamStatus),
      retryAfterSeconds: options.retryAfterMs ? Math.ceil(options.retryAfterMs / 1000) : undefined,
    });
    this.name = 'UpstreamError';
    this.retryAfterMs = options.retryAfterMs;
  }

  readonly retryAfterMs?: number;
}

function statusCode(status: number | undefined) {
  if (status === 429) return 'rate_limited' as const;
  if (status === 400 || status === 422) return 'invalid_request' as const;
  return 'upstream_error' as const;
}

/** Client errors from the upstream (400, 404, 422, 429) reach the client as they came; the rest are 502. */
function passThroughStatus(status: number | undefined): number | undefined {
  return status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 403 ? status : undefined;
}
