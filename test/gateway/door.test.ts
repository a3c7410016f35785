import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAICompatibleProvider } from '../../src/providers/openai-compatible/openai-compatible-provider.js';
import { defaultTimeouts } from '../../src/providers/target-timeouts.js';
import { startOpenAIPeer, type OpenAIPeer } from '../support/upstreams/openai-peer.js';
import { adminKey } from '../support/start-app.js';
import { startGateway, type GatewayHarness } from './support/gateway-harness.js';

const messages = [{ role: 'user', content: 'Say hello' }];

/** Sends raw bytes and collects what comes back until the server closes the connection (or `waitMs` passes). */
function rawExchange(port: number, head: string, options: { body?: string; waitMs: number }) {
  return new Promise<{ text: string; closed: boolean; ms: number }>((resolve) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed, ms: performance.now() - started });
    };
    const timer = setTimeout(finish, options.waitMs);
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.write(head + (options.body ?? ''));
  });
}

describe('the /v1 door', () => {
  let peer: OpenAIPeer;
  let gateway: GatewayHarness;
  let port: number;

  beforeAll(async () => {
    peer = await startOpenAIPeer({ models: ['peer-model'] });
    gateway = await startGateway({
      config: { maxBodyBytes: 64 * 1024, requestTimeoutMs: 600, corsOrigins: ['https://app.example'] },
      deployments: [
        {
          name: 'm',
          modelId: null,
          fallbacks: [],
          targets: [
            {
              id: 'm#1',
              kind: 'endpoint',
              weight: 1,
              upstreamModel: 'peer-model',
              provider: createOpenAICompatibleProvider({ baseUrl: peer.baseUrl, timeouts: defaultTimeouts }),
              timeouts: defaultTimeouts,
            },
          ],
        },
      ],
    });
    port = Number(new URL(gateway.url).port);
  });

  afterAll(async () => {
    await gateway?.stop();
    await peer?.stop();
  });

  const post = (body: unknown, key: string, extra: Record<string, string> = {}) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...extra },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('refuses malformed requests with a 400 naming the param, before any limit is charged or the upstream is called', async () => {
    // Two requests a minute: a bad request that was charged would leave no room for the good one.
    const { key } = await gateway.createKey({ name: 'door', limits: { requestsPerMinute: 2 } });
    const before = peer.requests.length;
    const cases: Array<[string, Record<string, unknown>]> = [
      ['messages.0.role', { model: 'm', messages: [{ content: 'no role' }] }],
      ['messages.0.role', { model: 'm', messages: [{ role: 'wizard', content: 'hi' }] }],
      ['max_tokens', { model: 'm', messages, max_tokens: '16' }],
      ['max_tokens', { model: 'm', messages, max_tokens: -1 }],
      ['temperature', { model: 'm', messages, temperature: 7 }],
      ['n', { model: 'm', messages, n: 1_000_000 }],
      ['tools', { model: 'm', messages, tools: { name: 'not-an-array' } }],
      ['stream', { model: 'm', messages, stream: 'yes' }],
      ['messages.0.tool_call_id', { model: 'm', messages: [{ role: 'tool', content: 'x' }] }],
      ['messages.0.content.0.text', { model: 'm', messages: [{ role: 'user', content: [{ type: 'text' }] }] }],
      ['response_format.json_schema', { model: 'm', messages, response_format: { type: 'json_schema' } }],
    ];
    for (const [param, body] of cases) {
      const response = await post(body, key);
      const answer = await response.json();
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(answer.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', param });
    }
    expect(peer.requests.length).toBe(before);
    const good = await post({ model: 'm', messages, max_tokens: 8 }, key);
    expect(good.status).toBe(200);
  });

  it('passes fields the OpenAI API does not define through to the upstream untouched', async () => {
    const { key } = await gateway.createKey({ name: 'extensions' });
    const extension = { top_k: 40, provider_options: { nested: [1, { deep: 'x' }] } };
    const response = await post({ model: 'm', messages, ...extension }, key);
    expect(response.status).toBe(200);
    const seen = JSON.parse(peer.requests.at(-1)!.text);
    expect(seen.top_k).toBe(40);
    expect(seen.provider_options).toEqual(extension.provider_options);
  });

  it('answers a deeply nested body with a 400, not a stack overflow', async () => {
    const { key } = await gateway.createKey({ name: 'deep' });
    const depth = 10_000;
    const nested = `{"model":"m","messages":[{"role":"user","content":"hi"}],"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const response = await post(nested, key);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('nests deeper') });
  });

  it('answers an oversized body with a 413 in the OpenAI shape that the client can read', async () => {
    const { key } = await gateway.createKey({ name: 'big' });
    const response = await post({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(200 * 1024) }] }, key);
    expect(response.status).toBe(413);
    expect((await response.json()).error).toMatchObject({ code: 'payload_too_large', type: 'invalid_request_error' });
  });

  it('refuses a request without a valid key after its headers, without reading its body', async () => {
    const head =
      'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${15 * 1024 * 1024}\r\nAuthorization: Bearer not-a-key\r\n\r\n`;
    // Not one byte of the 15 MB body is sent: the answer must come anyway, and the connection close.
    const exchange = await rawExchange(port, head, { waitMs: 5_000 });
    expect(exchange.text).toMatch(/^HTTP\/1\.1 401/);
    expect(exchange.text).toContain('"code":"invalid_api_key"');
    expect(exchange.closed).toBe(true);
  });

  it('cuts off a body that stalls, after the request timeout', async () => {
    const { key } = await gateway.createKey({ name: 'slow' });
    const head =
      'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      `Content-Length: 1000\r\nAuthorization: Bearer ${key}\r\n\r\n`;
    const exchange = await rawExchange(port, head, { body: '{"model":"m",', waitMs: 10_000 });
    expect(exchange.closed).toBe(true);
    expect(exchange.ms).toBeLessThan(10_000);
    expect(exchange.text).toMatch(/^HTTP\/1\.1 408/);
  });

  it('records no usage for requests without a valid key', async () => {
    const logs = async () => (await (await gateway.admin('GET', '/api/logs?limit=500')).json()).data as Array<{ status: number }>;
    const before = (await logs()).length;
    for (const key of ['', 'wrong-key', 'sk-also-wrong']) {
      const response = await post({ model: 'm', messages }, key);
      expect(response.status).toBe(401);
    }
    expect((await logs()).filter((entry) => entry.status === 401)).toEqual([]);
    expect((await logs()).length).toBe(before);
  });

  it('answers CORS preflights for allowed origins only, and marks answers (streams too) for them', async () => {
    const preflight = (origin: string) =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
    const allowed = await preflight('https://app.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const refused = await preflight('https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();

    const { key } = await gateway.createKey({ name: 'cors' });
    const streamed = await post({ model: 'm', messages, stream: true }, key, { origin: 'https://app.example' });
    expect(streamed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    await streamed.text();
    const other = await post({ model: 'm', messages }, key, { origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    await other.text();
  });
});

describe('GET /metrics access', () => {
  it('is open with DEVUP_METRICS=public and absent with off', async () => {
    const open = await startGateway({ config: { metrics: 'public' } });
    const off = await startGateway({ config: { metrics: 'off' } });
    try {
      expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
      expect((await fetch(`${off.url}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } })).status).toBe(404);
    } finally {
      await open.stop();
      await off.stop();
    }
  });
});
