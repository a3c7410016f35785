import type { ServerResponse } from 'node:http';
import { DevupError } from '../../errors.js';
import { UpstreamError } from '../../providers/provider.js';
import type { StreamEncoder } from '../dialects/dialect.js';
import type { Exchange, StreamAnswer } from '../routing/router.js';

/**
 * Writes each upstream chunk to the client as it arrives, as the dialect's SSE events (those that
 * arrive together in one socket write). Waits for `drain` when the client reads slower than the
 * upstream writes; stops at once when the client leaves (the router's abort has already torn down
 * the upstream request). Usage is the provider's to tell (`reply.usage()`); the encoder's closing
 * events get it. An upstream that dies or goes quiet for `idleMs` mid-stream ends the stream with
 * the dialect's error event; that error is returned.
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
    else response.end(encoder.close(answer.reply.usage()));
    return undefined;
  } catch (error) {
    if (exchange.clientGone) {
      // The answer cannot be finished; make sure the connection does not linger half-open.
      response.destroy();
      return undefined;
    }
    const failure = idle
      ? new UpstreamError(`The upstream sent nothing for ${idleMs} ms mid-stream`, undefined, false, { timeout: true })
      : DevupError.isInstance(error)
        ? error
        : new UpstreamError(`The upstream stream failed: ${(error as Error)?.message ?? String(error)}`, undefined, false, {
            cause: error,
          });
    response.end(encoder.fail(failure));
    return failure;
  } finally {
    clearTimeout(idleTimer);
  }
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
