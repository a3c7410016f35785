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
  // leave in one socket write: cork on the first, uncork once the turn's microtasks are done.
  let corked = false;
  const uncork = () => {
    corked = false;
    response.uncork();
  };
  const idleTimer = setTimeout(() => {
    idle = true;
    exchange.controller?.abort();
  }, idleMs);
  try {
    const opening = encoder.open(answer.reply.promptTokens?.());
    if (opening) {
      corked = true;
      response.cork();
      process.nextTick(uncork);
      response.write(opening);
    }
    while (!next.done) {
      if (!corked) {
        corked = true;
        response.cork();
        process.nextTick(uncork);
      }
      const events = encoder.chunk(next.value);
      if (events && !response.write(events)) await drained(response);
      if (exchange.clientGone) break;
      idleTimer.refresh();
      next = await rest.next();
    }
    if (exchange.clientGone) response.destroy();
    return undefined;
  } catch (error) {
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
