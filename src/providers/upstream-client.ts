import { Pool, type Dispatcher } from 'undici';
import type { TargetTimeouts } from './target-timeouts.js';
import { UpstreamError } from './provider.js';
import { errorFromNetwork, errorFromResponse } from './upstream-errors.js';

export interface UpstreamClientOptions {
  /**
   * Origin plus optional path prefix, e.g. `http://127.0.0.1:8000/v1`. A query string
   * (`?api-version=…`, `?key=…`) is sent with every request; user info (`https://user:pass@host`)
   * as Basic authentication unless `headers` has an Authorization of its own.
   */
  baseUrl: string;
  /** Sent with every request (authentication, custom headers). */
  headers: Record<string, string>;
  timeouts: TargetTimeouts;
  /** Names the upstream in error messages, e.g. `openai-compatible http://10.0.0.5:8000/v1`. */
  label: string;
}

export type UpstreamBody = Dispatcher.ResponseData['body'];

/**
 * One keep-alive connection pool to one upstream, shared by every request to it. Requests are
 * not pipelined (a slow generation would hold up the ones queued behind it). Timeouts: connect
 * (`connectMs`), first byte = response headers (`firstByteMs`), idle = longest gap between body
 * bytes (`idleMs`). Failures and non-2xx answers reject with `UpstreamError`; when the caller's
 * signal aborts, the request is torn down and the promise rejects with `signal.reason`.
 *
 * @example
 *   const client = new UpstreamClient({ baseUrl: 'http://127.0.0.1:8000/v1', headers: {}, timeouts, label: 'vllm' });
 *   const body = await client.post('/chat/completions', JSON.stringify(request), signal);
 *   const reply = await body.json();
 */
export class UpstreamClient {
  readonly label: string;
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly query: string;
  private readonly postHeaders: Record<string, string>;
  private readonly getHeaders: Record<string, string>;

  constructor(options: UpstreamClientOptions) {
    const url = new URL(options.baseUrl);
    this.label = options.label;
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.query = url.search;
    this.pool = new Pool(url.origin, {
      pipelining: 1,
      connect: { timeout: options.timeouts.connectMs },
      headersTimeout: options.timeouts.firstByteMs,
      bodyTimeout: options.timeouts.idleMs,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
    });
    // Built once: the hot path reuses these objects rather than building headers per request.
    // Names are lowercased so a configured `Authorization` replaces the default one instead of doubling it.
    const headers = Object.fromEntries(Object.entries(options.headers).map(([name, value]) => [name.toLowerCase(), value]));
    this.getHeaders = { accept: 'application/json', ...basicAuthorization(url), ...headers };
    this.postHeaders = { 'content-type': 'application/json', ...this.getHeaders };
  }

  /** POSTs a JSON text; resolves with the body of a 2xx answer (the caller must consume or destroy it). */
  post(path: string, json: string, signal: AbortSignal): Promise<UpstreamBody> {
    return this.send({ method: 'POST', path: this.prefix + path + this.query, headers: this.postHeaders, body: json, signal });
  }

  get(path: string, signal: AbortSignal): Promise<UpstreamBody> {
    return this.send({ method: 'GET', path: this.prefix + path + this.query, headers: this.getHeaders, signal });
  }

  /** Lets requests in flight finish (for up to `graceMs`), then drops every connection. */
  async close(graceMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs).unref()));
    await Promise.race([this.pool.close(), grace]);
    clearTimeout(timer);
    await this.pool.destroy();
  }

  private async send(options: Dispatcher.RequestOptions & { signal: AbortSignal }): Promise<UpstreamBody> {
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request(options);
    } catch (error) {
      throw options.signal.aborted ? options.signal.reason : errorFromNetwork(error, this.label);
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return response.body;
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw options.signal.aborted ? options.signal.reason : errorFromNetwork(error, this.label);
    }
    throw errorFromResponse(response.statusCode, response.headers, text, this.label);
  }
}

/** Reads a 2xx JSON body: the parsed object and its exact text. Failures reject with UpstreamError (or `signal.reason`). */
export async function readJson(
  response: UpstreamBody,
  signal: AbortSignal,
  label: string,
): Promise<{ body: Record<string, unknown>; text: string }> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw signal.aborted ? signal.reason : errorFromNetwork(error, label);
  }
  try {
    return { body: JSON.parse(text) as Record<string, unknown>, text };
  } catch (error) {
    throw new UpstreamError(`${label} answered with invalid JSON: ${text.slice(0, 200)}`, undefined, false, { cause: error });
  }
}

function basicAuthorization(url: URL): Record<string, string> {
  if (!url.username && !url.password) return {};
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}
