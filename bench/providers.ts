/**
 * Micro-benchmark of the provider hot path: the same requests to the shared mock upstream
 * (bench/harness/mock-upstream.mjs, run as a child process) made with bare undici and through
 * createOpenAICompatibleProvider, reporting requests/s, p50 latency and this process's CPU per
 * request. The difference is what the provider adds on top of the HTTP client.
 *
 *   npm run bench:providers     (REQUESTS=4000 ROUNDS=3 CONCURRENCY="1 16" change the load)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { defaultTimeouts } from '../src/providers/target-timeouts.js';
import { createOpenAICompatibleProvider } from '../src/providers/openai-compatible/openai-compatible-provider.js';
import { freePort } from '../src/deploy/targets/process/free-port.js';

const requests = Number(process.env.REQUESTS ?? 4000);
const concurrencies = (process.env.CONCURRENCY ?? '1 16').split(' ').map(Number);
const mockPath = fileURLToPath(new URL('../bench/harness/mock-upstream.mjs', import.meta.url));

const port = await freePort();
const mock = spawn(process.execPath, [mockPath], {
  env: { ...process.env, PORT: String(port), STREAM_CHUNKS: '20' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await once(mock.stdout!, 'data');
const baseUrl = `http://127.0.0.1:${port}/v1`;

const chatBody = { model: 'mock', messages: [{ role: 'user', content: 'What is the capital of France?' }] };
const streamBody = { ...chatBody, stream: true, stream_options: { include_usage: true } };

const pool = new Pool(`http://127.0.0.1:${port}`, { pipelining: 1 });
const provider = createOpenAICompatibleProvider({ baseUrl, timeouts: defaultTimeouts });
const headers = { 'content-type': 'application/json' };

/** One request of each kind: bare undici (text, or every body chunk) and through the provider. */
const cases: Record<string, () => Promise<unknown>> = {
  'json    undici+signal': async () => {
    const signal = new AbortController().signal;
    return JSON.parse(
      await (
        await pool.request({ method: 'POST', path: '/v1/chat/completions', headers, body: JSON.stringify(chatBody), signal })
      ).body.text(),
    );
  },
  'json    undici': async () =>
    JSON.parse(
      await (await pool.request({ method: 'POST', path: '/v1/chat/completions', headers, body: JSON.stringify(chatBody) })).body.text(),
    ),
  'json    provider': () => provider.call({ operation: 'chat', body: chatBody, signal: new AbortController().signal }),
  'stream  undici': async () => {
    const { body } = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers, body: JSON.stringify(streamBody) });
    for await (const _bytes of body);
  },
  'stream  provider': async () => {
    const reply = await provider.call({ operation: 'chat', body: streamBody, signal: new AbortController().signal });
    if (reply.kind === 'stream') for await (const _chunk of reply.chunks);
  },
};

async function measure(run: () => Promise<unknown>, concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < requests) {
        const begin = performance.now();
        await run();
        latencies.push(performance.now() - begin);
      }
    }),
  );
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    rps: Math.round((requests / elapsed) * 1000),
    p50: latencies[Math.floor(latencies.length / 2)].toFixed(3),
    cpu: ((used.user + used.system) / requests).toFixed(1),
  };
}

const rounds = Number(process.env.ROUNDS ?? 3);
console.log(`| case | concurrency | req/s | p50 ms | client CPU µs/req |\n|---|---:|---:|---:|---:|`);
try {
  for (const concurrency of concurrencies) {
    // Rounds interleave the cases and the best round of each is kept: on a shared machine the
    // noise only ever adds time.
    const best = new Map<string, Awaited<ReturnType<typeof measure>>>();
    for (let round = 0; round < rounds; round++) {
      for (const [name, run] of Object.entries(cases)) {
        if (round === 0) await measure(run, concurrency); // warm-up: JIT, connections
        const result = await measure(run, concurrency);
        const previous = best.get(name);
        if (!previous || Number(result.cpu) < Number(previous.cpu)) best.set(name, result);
      }
    }
    for (const [name, result] of best) console.log(`| ${name} | ${concurrency} | ${result.rps} | ${result.p50} | ${result.cpu} |`);
  }
} finally {
  await provider.close();
  await pool.close();
  mock.kill();
}
