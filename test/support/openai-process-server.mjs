#!/usr/bin/env node
// A small OpenAI-compatible engine for the `process` target's tests: a real child process the
// gateway launches, kills and restarts. Plain node:http, no dependencies.
// Usage: node openai-process-server.mjs --port N [--model NAME] [--loading-ms N] [--print-environment]
//   --print-environment  writes `env NAME=VALUE` for each variable it got, one per line, at start
//   GET /health          503 {"status":"loading"} for --loading-ms after start, then 200 (like llama-server)
//   GET /v1/models       the one model
//   POST /v1/chat/completions, /v1/completions (stream or not, usage included), /v1/embeddings
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    model: { type: 'string', default: 'process-model' },
    'loading-ms': { type: 'string', default: '0' },
    'print-environment': { type: 'boolean', default: false },
  },
});
if (values['print-environment']) {
  for (const [name, value] of Object.entries(process.env)) console.log(`env ${name}=${value}`);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0) {
  console.error('openai-process-server: --port N is required');
  process.exit(2);
}
const model = values.model;
const readyAt = Date.now() + Number(values['loading-ms']);

function send(response, status, body) {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function words(text) {
  return String(text).split(/\s+/).filter(Boolean);
}

function lastUserText(messages) {
  const user = [...(messages ?? [])].reverse().find((message) => message.role === 'user');
  return typeof user?.content === 'string' ? user.content : '';
}

function answer(request, response, body) {
  const created = Math.floor(Date.now() / 1000);
  const id = `cmpl-${process.pid}-${Date.now()}`;
  const chat = request.url === '/v1/chat/completions';
  const input = chat ? lastUserText(body.messages) : String(body.prompt ?? '');
  const reply = `Echo from pid ${process.pid}: ${input}`;
  const usage = {
    prompt_tokens: words(input).length,
    completion_tokens: words(reply).length,
    total_tokens: words(input).length + words(reply).length,
  };
  const object = chat ? 'chat.completion' : 'text_completion';
  if (!body.stream) {
    const choice = chat
      ? { index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }
      : { index: 0, text: reply, finish_reason: 'stop' };
    return send(response, 200, { id, object, created, model, choices: [choice], usage });
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta, finish) => ({
    id,
    object: chat ? 'chat.completion.chunk' : 'text_completion',
    created,
    model,
    choices: [chat ? { index: 0, delta, finish_reason: finish } : { index: 0, text: delta.content ?? '', finish_reason: finish }],
  });
  for (const word of words(reply)) response.write(`data: ${JSON.stringify(chunk({ content: `${word} ` }, null))}\n\n`);
  response.write(`data: ${JSON.stringify(chunk({}, 'stop'))}\n\n`);
  if (body.stream_options?.include_usage)
    response.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`);
  response.end('data: [DONE]\n\n');
}

const server = http.createServer((request, response) => {
  let text = '';
  request.setEncoding('utf8');
  request.on('data', (part) => (text += part));
  request.on('end', () => {
    console.log(`${request.method} ${request.url}`);
    if (request.method === 'GET' && request.url === '/health') {
      return Date.now() < readyAt ? send(response, 503, { status: 'loading' }) : send(response, 200, { status: 'ok' });
    }
    if (request.method === 'GET' && request.url === '/v1/models') {
      return send(response, 200, { object: 'list', data: [{ id: model, object: 'model', created: 0, owned_by: 'devup-test' }] });
    }
    let body;
    try {
      body = JSON.parse(text || '{}');
    } catch {
      return send(response, 400, { error: { message: 'body must be JSON', type: 'invalid_request_error', code: null, param: null } });
    }
    if (request.method === 'POST' && (request.url === '/v1/chat/completions' || request.url === '/v1/completions'))
      return answer(request, response, body);
    if (request.method === 'POST' && request.url === '/v1/embeddings') {
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      return send(response, 200, {
        object: 'list',
        model,
        data: inputs.map((input, index) => ({ object: 'embedding', index, embedding: [words(input).length, index, 1] })),
        usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
      });
    }
    send(response, 404, {
      error: { message: `no route ${request.method} ${request.url}`, type: 'invalid_request_error', code: 'not_found', param: null },
    });
  });
});

server.listen(port, '127.0.0.1', () =>
  console.log(`openai-process-server pid ${process.pid} listening on 127.0.0.1:${port}, model ${model}`),
);
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    console.log(`received ${signal}, shutting down`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
