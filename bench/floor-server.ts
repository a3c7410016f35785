/**
 * The floor of `npm run bench:gateway`: the least a gateway in Node can do per request, measured by
 * the same harness as DevUp. A bare Fastify app and one undici Pool to the mock upstream: the
 * bearer token hashed (SHA-256) and looked up in a Map, the body parsed with `JSON.parse`,
 * forwarded as received, the answer's `usage` read (the JSON answer parsed; a stream's bytes
 * passed through as they come, the event that carries usage parsed). No limits, records,
 * metrics or logs. Reads FLOOR_PORT (8789), MOCK_URL and FLOOR_KEY (the accepted bearer token).
 */
import crypto from 'node:crypto';
import Fastify from 'fastify';
import { Pool } from 'undici';

const mockUrl = new URL(process.env.MOCK_URL ?? 'http://127.0.0.1:9100/v1');
const prefix = mockUrl.pathname.replace(/\/+$/, '');
const pool = new Pool(mockUrl.origin, { pipelining: 1, keepAliveTimeout: 10_000 });
const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
const keys = new Map([[sha256(process.env.FLOOR_KEY ?? 'sk-mock'), { id: 'floor' }]]);
const upstreamHeaders = { 'content-type': 'application/json' };
let promptTokens = 0;

const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
app.addHook('onRequest', (request, reply, done) => {
  const authorization = request.headers.authorization;
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';
  if (keys.has(sha256(token))) return done();
  reply.code(401).send({ error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } });
});
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
  try {
    done(null, { text, json: JSON.parse(text as string) });
  } catch (error) {
    done(error as Error, undefined);
  }
});

app.post<{ Body: { text: string; json: { stream?: boolean } } }>('/v1/chat/completions', async (request, reply) => {
  const { text, json } = request.body;
  const upstream = await pool.request({ method: 'POST', path: `${prefix}/chat/completions`, headers: upstreamHeaders, body: text });
  if (json.stream !== true) {
    const answer = await upstream.body.text();
    countUsage(JSON.parse(answer));
    return reply.code(upstream.statusCode).header('content-type', 'application/json').send(answer);
  }
  reply.hijack();
  const response = reply.raw;
  response.writeHead(upstream.statusCode, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  // Only the text after the last complete event is kept between reads: the usage event may span two.
  let pending = '';
  for await (const bytes of upstream.body) {
    response.write(bytes);
    const text = pending + (bytes as Buffer).toString('utf8');
    const end = text.lastIndexOf('\n\n');
    pending = text.slice(end + 2);
    if (end === -1 || !text.includes('"usage"')) continue;
    for (const event of text.slice(0, end).split('\n\n')) {
      if (event.includes('"usage"') && event.startsWith('data: {')) countUsage(JSON.parse(event.slice(6)));
    }
  }
  response.end();
});

function countUsage(answer: { usage?: { prompt_tokens?: number } | null }): void {
  promptTokens += answer.usage?.prompt_tokens ?? 0;
}

await app.listen({ host: '127.0.0.1', port: Number(process.env.FLOOR_PORT ?? 8789) });
const stop = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
