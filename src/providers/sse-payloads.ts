import { StringDecoder } from 'node:string_decoder';
import { UpstreamError } from './provider.js';
import { SseParser } from './sse-parser.js';
import type { UpstreamBody } from './upstream-client.js';
import { errorFromNetwork } from './upstream-errors.js';

/** Characters read after the terminating event before we give up on reusing the connection. */
const drainLimit = 64 * 1024;

/**
 * The `data` payloads of an upstream SSE body, each yielded as soon as its event is complete
 * (nothing is buffered beyond one partial event). Stops at the payload for which `isLast` is true
 * (e.g. `[DONE]`; not yielded) or at the end of the body. A body that breaks off throws an `UpstreamError` (retryable only if
 * nothing was yielded yet); an aborted `signal` throws `signal.reason`. Returning early destroys
 * the body; stopping at the last payload reads the (normally empty) rest in the background so the
 * connection goes back to the pool.
 *
 * @example for await (const payload of ssePayloads(body, signal, 'vllm', (p) => p === '[DONE]')) write(payload);
 */
export async function* ssePayloads(
  body: UpstreamBody,
  signal: AbortSignal,
  label: string,
  isLast?: (payload: string) => boolean,
): AsyncGenerator<string, void, undefined> {
  const parser = new SseParser();
  // undici's body ignores setEncoding; the decoder keeps characters split across reads whole.
  const decoder = new StringDecoder('utf8');
  const iterator: AsyncIterator<Buffer> = body[Symbol.asyncIterator]();
  let yielded = false;
  let finished = false;
  try {
    for (;;) {
      let result: IteratorResult<Buffer>;
      try {
        result = await iterator.next();
      } catch (error) {
        throw signal.aborted ? signal.reason : errorFromNetwork(error, label, yielded);
      }
      const payloads = result.done ? [...parser.push(decoder.end()), ...parser.end()] : parser.push(decoder.write(result.value));
      for (const payload of payloads) {
        if (isLast?.(payload)) {
          finished = true;
          if (!result.done) void drain(iterator, body);
          return;
        }
        yield payload;
        yielded = true;
      }
      if (result.done) {
        finished = true;
        return;
      }
    }
  } finally {
    if (!finished) body.destroy();
  }
}

async function drain(iterator: AsyncIterator<Buffer>, body: UpstreamBody) {
  let bytes = 0;
  try {
    for (;;) {
      const result = await iterator.next();
      if (result.done) return;
      bytes += result.value.length;
      if (bytes > drainLimit) return void body.destroy();
    }
  } catch {
    // The answer was already complete; a late failure of the connection concerns no one.
  }
}

/**
 * Waits for the first chunk so that a stream failing before it rejects the call (and can be
 * retried), then hands out an iterable that starts with that chunk.
 */
export async function afterFirstChunk(chunks: AsyncGenerator<string, void, undefined>): Promise<AsyncIterable<string>> {
  const first = await chunks.next();
  return (async function* () {
    if (first.done) return;
    try {
      yield first.value;
      yield* chunks;
    } finally {
      // A consumer that stops at the first chunk never reached yield*: release the upstream here.
      await chunks.return();
    }
  })();
}

/** Throws an UpstreamError for an `{"error": …}` payload sent in place of a chunk (vLLM, SGLang do this). */
export function assertNotErrorPayload(payload: string, label: string, yielded: boolean): void {
  if (!payload.startsWith('{"error"')) return;
  let message = payload;
  try {
    const error = (JSON.parse(payload) as { error: unknown }).error;
    message = typeof error === 'string' ? error : ((error as { message?: string })?.message ?? payload);
  } catch {
    // keep the raw payload as the message
  }
  throw new UpstreamError(`${label} sent an error in the stream: ${message}`, undefined, !yielded);
}
