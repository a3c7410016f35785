import type { ServerResponse } from 'node:http';
import { DevupError } from '../../errors.js';
import { UpstreamError } from '../../providers/provider.js';
import type { StreamEncoder } from '../dialects/dialect.js';
import type { Exchange, StreamAnswer } from '../routing/router.js';

/**
 * Writes each upstream chunk to the client as it arrives, as the dialect's SSE events (those that
 * arrive together in one socket write). Waits for `drain` when the client reads slower than the
 * upstream writes; stops at once when the client leaves (the router's abort has already torn down
 * the upstream request). An upstream that dies or goes quiet for `idleMs` mid-stream: that error is
 * returned. The stream's last events are `endStream`'s to write, once the request is recorded.
 */
export async function forwardStream(
  response: ServerResponse,
  answer: StreamAnswer,
  exchange: Exchange,
  idleMs: number,
  encoder: StreamEncoder,
): Promise<DevupError | undefined> {
  const chunks = answer.rest;
  let next = answer.first;
  let idle = false;
  // The events of chunks that arrive in the same turn of the event loop (one upstream read often
  // holds several) leave in one write: one chunked-encoding frame and one string to encode, where
  // a write per event (even corked) costs a frame and a buffer each. The first leaves once the
  // turn's microtasks are done; later ones at the end of the turn (setImmediate), so an in-process
  // engine has already started decoding the next token when the write costs its system call. A
  // client that reads slower than the upstream writes is waited for (`drain`).
  let pending = '';
  let flushQueued = false;
  let first = true;
  let immediate: NodeJS.Immediate | undefined;
  let backedUp: Promise<void> | undefined;
  const flush = () => {
    flushQueued = false;
    immediate = undefined;
    if (pending === '' || response.writableEnded || response.destroyed) return;
    const text = pending;
    pending = '';
    if (!response.write(text)) backedUp = drained(response);
  };
  const send = (events: string) => {
    if (events === '') return;
    pending += events;
    if (pending.length >= flushLength) flush();
    else if (!flushQueued) {
      flushQueued = true;
      if (first) process.nextTick(flush);
      else immediate = setImmediate(flush);
      first = false;
    }
  };
  // What is still waiting when the chunks end is written corked: `endStream`'s end sends it with
  // the last events in one write (the request is recorded in between, synchronously).
  const holdPending = () => {
    clearImmediate(immediate);
    if (pending === '') return;
    response.cork();
    response.write(pending);
    pending = '';
  };
  const idleTimer = setTimeout(() => {
    idle = true;
    exchange.controller?.abort();
  }, idleMs);
  try {
    send(encoder.open(answer.reply.promptTokens?.()));
    while (!next.done) {
      send(encoder.chunk(next.value));
      if (backedUp) {
        await backedUp;
        backedUp = undefined;
      }
      if (exchange.clientGone) break;
      idleTimer.refresh();
      next = await chunks.next();
    }
    if (exchange.clientGone) response.destroy();
    else holdPending();
    return undefined;
  } catch (error) {
    if (exchange.clientGone) {
      // The answer cannot be finished; make sure the connection does not linger half-open.
      response.destroy();
      return undefined;
    }
    holdPending();
    return idle
      ? new UpstreamError(`The upstream sent nothing for ${idleMs} ms mid-stream`, undefined, false, { timeout: true })
      : DevupError.isInstance(error)
        ? error
        : new UpstreamError(`The upstream stream failed: ${(error as Error)?.message ?? String(error)}`, undefined, false, {
            cause: error,
          });
  } finally {
    clearTimeout(idleTimer);
  }
}

/**
 * The stream's last events: the dialect's closing events with the usage the provider tells
 * (`reply.usage()`), or its error event for a stream that broke off.
 */
export function endStream(response: ServerResponse, answer: StreamAnswer, encoder: StreamEncoder, failure: DevupError | undefined): void {
  response.end(failure ? encoder.fail(failure) : encoder.close(answer.reply.usage()));
}

/** Pending text written at once rather than at the end of the turn: the default high-water mark of a socket. */
const flushLength = 16 * 1024;

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
