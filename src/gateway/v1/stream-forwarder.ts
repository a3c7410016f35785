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
  const { rest } = answer;
  let next = answer.first;
  let idle = false;
  // Chunks that arrive in the same turn of the event loop (one upstream read often holds several)
  // leave in one socket write. The first leaves once the turn's microtasks are done; later ones at
  // the end of the turn (setImmediate), so an in-process engine has already started decoding the
  // next token when the write costs its system call, instead of waiting for it.
  let corked = false;
  let flush: NodeJS.Immediate | undefined;
  const uncork = () => {
    if (!corked) return;
    corked = false;
    response.uncork();
  };
  const cork = (soon: boolean) => {
    corked = true;
    response.cork();
    if (soon) process.nextTick(uncork);
    else flush = setImmediate(uncork);
  };
  // The caller's end() or destroy() writes or drops what is still corked; a flush left pending must not uncork the next response on this socket.
  const settle = () => {
    corked = false;
    clearImmediate(flush);
  };
  const idleTimer = setTimeout(() => {
    idle = true;
    exchange.controller?.abort();
  }, idleMs);
  try {
    const opening = encoder.open(answer.reply.promptTokens?.());
    if (opening) {
      cork(true);
      response.write(opening);
    }
    let first = true;
    while (!next.done) {
      if (!corked) cork(first);
      first = false;
      const events = encoder.chunk(next.value);
      if (events && !response.write(events)) await drained(response);
      if (exchange.clientGone) break;
      idleTimer.refresh();
      next = await rest.next();
    }
    settle();
    if (exchange.clientGone) response.destroy();
    return undefined;
  } catch (error) {
    settle();
    if (exchange.clientGone) {
      // The answer cannot be finished; make sure the connection does not linger half-open.
      response.destroy();
      return undefined;
    }
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
