import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PeerExchange, type PeerBehavior, type RecordedRequest } from './peer-exchange.js';

export { PeerExchange, type PeerBehavior, type RecordedRequest };

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
    try {
      for await (const part of request) parts.push(part as Buffer);
    } catch {
      this.aborted++; // the client left while still sending its body
      return;
    }
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
