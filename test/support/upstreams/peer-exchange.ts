import type http from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * How a test peer misbehaves on one request. Queue it per server (`peer.queue(behavior, times)`),
 * set it for every request (`peer.behavior = …`), or, on the OpenAI peer, send it per request in
 * the body field `peer_behavior` (it survives a gateway because unknown fields pass through).
 * Queued behavior wins over the body's, which wins over the server's.
 */
export interface PeerBehavior {
  /** Answer with this HTTP status and the wire format's error body instead of a reply. */
  status?: number;
  /** With `status`: fail only the first N requests carrying this same behavior, then answer normally. */
  failTimes?: number;
  /** Error message for `status` and `errorAfterChunks` (default `peer failure <status>`). */
  message?: string;
  /** With `status`: the `Retry-After` header value (delay-seconds or an HTTP date). */
  retryAfter?: string;
  /** Wait this long before sending the response headers (ends early when the client goes away). */
  stallBeforeHeadersMs?: number;
  /** Stream: split the reply text into exactly this many content deltas (default: one per word). */
  chunks?: number;
  /** Stream: pause between events (default: none, but each event is its own socket write). */
  chunkDelayMs?: number;
  /** Stream: after this many content deltas, stop sending for `stallMs` (default: until the client goes away). */
  stallAfterChunks?: number;
  stallMs?: number;
  /** Stream: after this many content deltas, destroy the socket (the upstream "dies"). */
  dieAfterChunks?: number;
  /** Stream: after this many content deltas, send the wire format's in-stream error event and end. */
  errorAfterChunks?: number;
  /** Anthropic peer: answer with this tool call (text block, then a tool_use block; stop_reason tool_use). */
  toolUse?: { name: string; input: Record<string, unknown> };
}

export interface RecordedRequest {
  method: string;
  /** Path with query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body (undefined for GET or a body that is not JSON). */
  body: any;
  /** The raw body text, to check that fields pass through byte for byte. */
  text: string;
}

/** One exchange in progress, with the helpers the wire-format peers answer through. */
export class PeerExchange {
  /** Set when the peer destroys the socket itself, so it is not counted as a client abort. */
  diedOnPurpose = false;
  private closed = false;
  private readonly closeWaiters: Array<() => void> = [];

  constructor(
    readonly request: RecordedRequest,
    readonly response: http.ServerResponse,
    readonly behavior: PeerBehavior,
  ) {
    response.on('close', () => {
      this.closed = true;
      for (const waiter of this.closeWaiters.splice(0)) waiter();
    });
  }

  get isClosed() {
    return this.closed;
  }

  /** Waits `ms` (forever when undefined), ending early when the connection closes. */
  wait(ms: number | undefined): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
      this.closeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    this.response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    this.response.end(text);
  }

  /**
   * Streams SSE events, applying the stream behaviors. `events` are written one per socket write;
   * `isContent` tells which events are content deltas (counted for stall/die/error).
   */
  async stream(events: string[], isContent: (index: number) => boolean, errorEvent: (message: string) => string) {
    const behavior = this.behavior;
    this.response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    let contentSent = 0;
    for (let index = 0; index < events.length; index++) {
      if (this.closed) return;
      if (isContent(index)) {
        if (contentSent === behavior.dieAfterChunks) {
          this.diedOnPurpose = true;
          this.response.socket?.destroy();
          return;
        }
        if (contentSent === behavior.errorAfterChunks) {
          this.response.end(errorEvent(behavior.message ?? 'peer failure in stream'));
          return;
        }
        if (contentSent === behavior.stallAfterChunks) await this.wait(behavior.stallMs);
        contentSent++;
      }
      if (this.closed) return;
      this.response.write(events[index]);
      if (behavior.chunkDelayMs) await this.wait(behavior.chunkDelayMs);
      else await nextTurn();
    }
    this.response.end();
  }
}
