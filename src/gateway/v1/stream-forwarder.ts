import type { ServerResponse } from 'node:http';
import { DevupError } from '../../errors.js';
import { UpstreamError, type Usage } from '../../providers/provider.js';
import type { Exchange, Routed } from '../routing/router.js';

export interface StreamOutcome {
  usage: Usage | undefined;
  /** Set when the upstream failed or stalled after the first chunk; the client got an error event. */
  error: DevupError | undefined;
}

const doneEvent = 'data: [DONE]\n\n';

/**
 * Writes each upstream chunk to the client as it arrives, as an SSE event (those that arrive
 * together in one socket write). Waits for `drain` when
 * the client reads slower than the upstream writes; stops at once when the client leaves (the
 * router's abort has already torn down the upstream request). Reads usage from the chunk that
 * carries it and drops that chunk when the client did not ask for usage. An upstream that dies
 * or goes quiet for `idleMs` mid-stream ends the stream with an OpenAI error event.
 */
export async function forwardStream(
  response: ServerResponse,
  routed: Routed,
  exchange: Exchange,
  clientWantsUsage: boolean,
  idleMs: number,
): Promise<StreamOutcome> {
  const outcome: StreamOutcome = { usage: undefined, error: undefined };
  if (routed.answer.kind !== 'stream') throw new Error('forwardStream needs a stream answer');
  const { rest } = routed.answer;
  let next = routed.answer.first;
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
    routed.controller.abort();
  }, idleMs);
  try {
    while (!next.done) {
      const event = tapUsage(next.value, clientWantsUsage, outcome);
      if (event !== undefined) {
        if (!corked) {
          corked = true;
          response.cork();
          process.nextTick(uncork);
        }
        if (!response.write(event)) await drained(response);
      }
      if (exchange.clientGone) break;
      idleTimer.refresh();
      next = await rest.next();
    }
    if (exchange.clientGone) response.destroy();
    else response.end(doneEvent);
  } catch (error) {
    if (exchange.clientGone) {
      // The answer cannot be finished; make sure the connection does not linger half-open.
      response.destroy();
      return outcome;
    }
    outcome.error = idle
      ? new UpstreamError(`The upstream sent nothing for ${idleMs} ms mid-stream`, undefined, false, { timeout: true })
      : DevupError.isInstance(error)
        ? error
        : new UpstreamError(`The upstream stream failed: ${(error as Error)?.message ?? String(error)}`, undefined, false, {
            cause: error,
          });
    response.end(`data: ${JSON.stringify(outcome.error.toJSON())}\n\n`);
  } finally {
    clearTimeout(idleTimer);
  }
  return outcome;
}

/** Returns the SSE event to write for one chunk, or undefined to drop it; records usage it carries. */
function tapUsage(chunk: string, clientWantsUsage: boolean, outcome: StreamOutcome): string | undefined {
  // Only chunks that mention usage are parsed; the rest pass through as the exact upstream text.
  if (!chunk.includes('"usage"')) return `data: ${chunk}\n\n`;
  const parsed = JSON.parse(chunk) as { usage?: { prompt_tokens?: number; completion_tokens?: number } | null; choices?: unknown[] };
  if (parsed.usage && typeof parsed.usage.prompt_tokens === 'number') {
    outcome.usage = { promptTokens: parsed.usage.prompt_tokens, completionTokens: parsed.usage.completion_tokens ?? 0 };
  }
  if (clientWantsUsage) return `data: ${chunk}\n\n`;
  if (!Array.isArray(parsed.choices) || parsed.choices.length === 0) return undefined;
  delete parsed.usage;
  return `data: ${JSON.stringify(parsed)}\n\n`;
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
