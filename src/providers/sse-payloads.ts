import { StringDecoder } from 'node:string_decoder';
import { UpstreamError } from './provider.js';
import { SseParser } from './sse-parser.js';
import type { UpstreamBody } from './upstream-client.js';
import { errorFromNetwork } from './upstream-errors.js';

/** Characters read after the terminating event before we give up on reusing the connection. */
const drainLimit = 64 * 1024;

export interface SseStreamOptions {
  /** True for the payload that ends the stream (e.g. `[DONE]`); it is not handed out. */
  isLast?(payload: string): boolean;
  /**
   * Turns one payload into the chunks handed out (none, one or several); throws to fail the
   * stream. `started` tells whether the consumer already has a chunk (then nothing can be retried).
   */
  map?(payload: string, started: boolean): string | string[];
  /** Called when the body ends without a last payload; may throw. */
  onEnd?(): void;
}

/**
 * Reads an upstream SSE body as chunks handed out as soon as their event is complete (nothing is
 * buffered beyond one partial event). Resolves once the first chunk is there, so a stream that
 * fails before it rejects (and can be retried); later failures throw from the iterator. A body
 * that breaks off throws `UpstreamError` (retryable only while nothing was handed out); an aborted
 * `signal` throws `signal.reason`. Calling `return()` destroys the body; stopping at the last
 * payload reads the (normally empty) rest in the background so the connection goes back to the
 * pool. One iterator object, no generator layers: this runs once per chunk on the hot path.
 *
 * @example
 *   const chunks = await readSseStream(body, signal, 'vllm', { isLast: (payload) => payload === '[DONE]' });
 *   for await (const chunk of chunks) write(`data: ${chunk}\n\n`);
 */
export async function readSseStream(
  body: UpstreamBody,
  signal: AbortSignal,
  label: string,
  options: SseStreamOptions = {},
): Promise<AsyncIterableIterator<string>> {
  const stream = new SseChunkStream(body, signal, label, options);
  await stream.prefetch();
  return stream;
}

class SseChunkStream implements AsyncIterableIterator<string> {
  private readonly parser = new SseParser();
  // undici's body ignores setEncoding; the decoder keeps characters split across reads whole.
  private readonly decoder = new StringDecoder('utf8');
  private readonly source: AsyncIterator<Buffer>;
  private queue: string[] = [];
  private head = 0;
  /** No more chunks will come (last payload seen, body ended, or failed). */
  private ended = false;
  /** The body is consumed, being drained, or destroyed. */
  private released = false;
  /** The consumer has at least one chunk. */
  private started = false;

  constructor(
    private readonly body: UpstreamBody,
    private readonly signal: AbortSignal,
    private readonly label: string,
    private readonly options: SseStreamOptions,
  ) {
    this.source = body[Symbol.asyncIterator]();
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  async prefetch(): Promise<void> {
    while (this.head === this.queue.length && !this.ended) await this.fill();
  }

  async next(): Promise<IteratorResult<string>> {
    while (this.head === this.queue.length) {
      if (this.ended) return { done: true, value: undefined };
      await this.fill();
    }
    this.started = true;
    return { done: false, value: this.queue[this.head++] };
  }

  async return(): Promise<IteratorResult<string>> {
    this.ended = true;
    this.release();
    return { done: true, value: undefined };
  }

  private async fill(): Promise<void> {
    this.queue.length = 0;
    this.head = 0;
    try {
      let result: IteratorResult<Buffer>;
      try {
        result = await this.source.next();
      } catch (error) {
        throw this.signal.aborted ? this.signal.reason : errorFromNetwork(error, this.label, this.started);
      }
      let payloads: string[];
      try {
        payloads = result.done
          ? [...this.parser.push(this.decoder.end()), ...this.parser.end()]
          : this.parser.push(this.decoder.write(result.value));
      } catch (error) {
        throw new UpstreamError(`${this.label}: ${(error as Error).message}`, undefined, false, { cause: error });
      }
      for (const payload of payloads) {
        if (this.options.isLast?.(payload)) {
          this.ended = true;
          this.released = true;
          if (!result.done) void drain(this.source, this.body);
          return;
        }
        const mapped = this.options.map ? this.options.map(payload, this.started) : payload;
        if (typeof mapped === 'string') this.queue.push(mapped);
        else for (const chunk of mapped) this.queue.push(chunk);
      }
      if (result.done) {
        this.ended = true;
        this.released = true;
        this.options.onEnd?.();
      }
    } catch (error) {
      this.ended = true;
      this.queue.length = 0;
      this.release();
      throw error;
    }
  }

  private release() {
    if (this.released) return;
    this.released = true;
    this.body.destroy();
  }
}

async function drain(source: AsyncIterator<Buffer>, body: UpstreamBody) {
  let bytes = 0;
  try {
    for (;;) {
      const result = await source.next();
      if (result.done) return;
      bytes += result.value.length;
      if (bytes > drainLimit) return void body.destroy();
    }
  } catch {
    // The answer was already complete; a late failure of the connection concerns no one.
  }
}

/** Throws an UpstreamError for an `{"error": …}` payload sent in place of a chunk (vLLM, SGLang do this). */
export function assertNotErrorPayload(payload: string, label: string, started: boolean): void {
  if (!payload.startsWith('{"error"')) return;
  let message = payload;
  try {
    const error = (JSON.parse(payload) as { error: unknown }).error;
    message = typeof error === 'string' ? error : ((error as { message?: string })?.message ?? payload);
  } catch {
    // keep the raw payload as the message
  }
  throw new UpstreamError(`${label} sent an error in the stream: ${message}`, undefined, !started);
}
