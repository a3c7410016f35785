import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
   * `contentIndexes` tells which events are content deltas (counted for stall/die/error).
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

/**
 * A real HTTP server on 127.0.0.1 and a free port, recording what it receives and counting
 * connections, completed and aborted requests. The wire-format peers (openai-peer.ts,
 * anthropic-peer.ts) are built on it.
 */
export class PeerServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests whose client went away before the response was complete (client disconnects, aborts). */
  aborted = 0;
  /** Requests answered to the end. */
  completed = 0;
  /** TCP connections accepted (to check keep-alive reuse). */
  connections = 0;
  /** Behavior for every request without a queued or per-request one. */
  behavior: PeerBehavior = {};
  private readonly queued: PeerBehavior[] = [];
  private readonly failures = new Map<string, number>();
  private server?: http.Server;
  private port = 0;

  constructor(private readonly handle: (exchange: PeerExchange) => Promise<void>) {}

  /** `http://127.0.0.1:PORT`. */
  get origin() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `times` requests get `behavior`. */
  queue(behavior: PeerBehavior, times = 1) {
    for (let index = 0; index < times; index++) this.queued.push(behavior);
  }

  async start(): Promise<this> {
    const server = http.createServer((request, response) => void this.receive(request, response));
    server.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * The behavior for this request and whether its failure applies now. `failTimes` counts per
   * distinct behavior, so retries of one request (same body) see 503, 503, then success.
   */
  private resolveBehavior(fromBody: PeerBehavior | undefined): PeerBehavior {
    const behavior = { ...this.behavior, ...fromBody, ...this.queued.shift() };
    if (behavior.status !== undefined && behavior.failTimes !== undefined) {
      const key = JSON.stringify(behavior);
      const seen = this.failures.get(key) ?? 0;
      this.failures.set(key, seen + 1);
      if (seen >= behavior.failTimes) delete behavior.status;
    }
    return behavior;
  }

  private async receive(request: http.IncomingMessage, response: http.ServerResponse) {
    const parts: Buffer[] = [];
    for await (const part of request) parts.push(part as Buffer);
    const text = Buffer.concat(parts).toString('utf8');
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const recorded: RecordedRequest = { method: request.method ?? 'GET', path: request.url ?? '/', headers: request.headers, body, text };
    this.requests.push(recorded);
    const exchange = new PeerExchange(recorded, response, this.resolveBehavior(body?.peer_behavior));
    response.on('close', () => {
      if (response.writableFinished) this.completed++;
      else if (!exchange.diedOnPurpose) this.aborted++;
    });
    try {
      if (exchange.behavior.stallBeforeHeadersMs) await exchange.wait(exchange.behavior.stallBeforeHeadersMs);
      if (!exchange.isClosed) await this.handle(exchange);
    } catch (error) {
      if (!response.headersSent) exchange.json(500, { error: { message: `peer bug: ${String(error)}` } });
      else response.destroy();
    }
  }
}

/** Words of a text, the peers' deterministic stand-in for tokens. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Splits `text` into exactly `count` pieces (some empty when the text is short), or one per word. */
export function splitText(text: string, count?: number): string[] {
  if (count === undefined) return text.split(/(?<=\s)/);
  const pieces: string[] = [];
  for (let index = 0; index < count; index++) {
    pieces.push(text.slice(Math.floor((index * text.length) / count), Math.floor(((index + 1) * text.length) / count)));
  }
  return pieces;
}
