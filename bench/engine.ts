/**
 * `npm run bench:engine`: tokens per second and time to first token for stories260K, (a) calling
 * node-llama-cpp directly in this process and (b) through the gateway over HTTP with streaming
 * (bench/engine-server.ts in its own process, the real embedded target), with the same threads,
 * prompts, greedy sampling and lengths: one stream, then 8 streams decoding together. Rounds are
 * interleaved (direct, gateway, direct, …) and the median is reported. Then a threads sweep of the
 * direct engine, which is what the default DEVUP_ENGINE_THREADS=1 rests on, and chat answers held to a
 * grammar (json_object, json_schema) against plain ones: the grammar's cost. Writes the tables to
 * docs/benchmarks.md (section "Embedded engine").
 * Knobs: TOKENS (per stream, default 128), ROUNDS (default 5), BENCH_THREADS (default 1),
 * BENCH_MODEL (default test/fixtures/models/stories260K.gguf), SWEEP (threads, default "1,2"),
 * SWEEP_TOKENS (per stream in the sweep, default 32: more threads than free cores can be very slow),
 * COMPARE (another checkout, e.g. main's in a `git worktree`: its bench server runs too, its gateway rows
 * interleaved with these, for a before/after in one run).
 * On a shared machine wall times swing with the load: each row also gives its serving process's
 * main-thread CPU per token (from /proc; what the gateway adds shows there even under load), and the
 * ratios give the spread of the per-round ratios (each round's run against that round's direct run).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';
import { request } from 'undici';
import { EmbeddedEngine, engineBatching } from '../src/engine/runtime/embedded-engine.js';
import { EmbeddedProvider } from '../src/providers/embedded/embedded-provider.js';
import { EngineHolder } from '../src/engine/runtime/engine-holder.js';
import { loadLlamaRuntime } from '../src/engine/runtime/llama-runtime.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modelPath = path.resolve(process.env.BENCH_MODEL ?? path.join(root, 'test/fixtures/models/stories260K.gguf'));
const tokens = Number(process.env.TOKENS ?? 128);
const rounds = Number(process.env.ROUNDS ?? 5);
const threads = Number(process.env.BENCH_THREADS ?? 1);
const sweep = (process.env.SWEEP ?? '1,2').split(',').map(Number);
const sweepTokens = Number(process.env.SWEEP_TOKENS ?? 32);
const compare = process.env.COMPARE ? path.resolve(process.env.COMPARE) : undefined;
const prompts = ['Once upon a time', 'The dog', 'Lily was', 'One day, Tom', 'The sun', 'A little bird', 'Mom said', 'The big tree'];

interface Run {
  tokens: number;
  seconds: number;
  ttftMs: number;
  /** Main-thread CPU of the process that served the run (this one, or the bench server). */
  cpuMs?: number;
}

/** CPU time (ms) a process's main thread has used, where Linux tells it (/proc, in clock ticks of 10 ms); NaN elsewhere. */
function mainThreadCpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

async function measured(pid: number, run: () => Promise<Run>): Promise<Run> {
  const before = mainThreadCpuMs(pid);
  const result = await run();
  return { ...result, cpuMs: mainThreadCpuMs(pid) - before };
}

const sequencesOf = new Map<LlamaContext, LlamaContextSequence[]>();

/** n streams at once straight on node-llama-cpp: one sequence each, one context. */
async function direct(model: LlamaModel, context: LlamaContext, streams: number, limit = tokens): Promise<Run> {
  if (!sequencesOf.has(context))
    sequencesOf.set(
      context,
      Array.from({ length: 8 }, () => context.getSequence()),
    );
  const sequences = sequencesOf.get(context)!.slice(0, streams);
  for (const sequence of sequences) await sequence.clearHistory();
  const started = performance.now();
  const firsts: number[] = [];
  const counts = await Promise.all(
    sequences.map(async (sequence, index) => {
      const promptTokens = [model.tokens.bos!, ...model.tokenize(prompts[index], false)];
      let count = 0;
      for await (const _token of sequence.evaluate(promptTokens, { temperature: 0 })) {
        if (count++ === 0) firsts.push(performance.now() - started);
        // A slow configuration (more threads than free cores) is measured over at most 20 s.
        if (count >= limit || performance.now() - started > 20_000) break;
      }
      return count;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { tokens: counts.reduce((sum, count) => sum + count, 0), seconds, ttftMs: mean(firsts) };
}

/** n streams at once through the gateway: SSE over HTTP, counting content chunks (one per token here). */
async function gateway(url: string, key: string, streams: number): Promise<Run> {
  const started = performance.now();
  const firsts: number[] = [];
  const counts = await Promise.all(
    prompts.slice(0, streams).map(async (prompt) => {
      const response = await request(`${url}/v1/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'stories',
          prompt,
          max_tokens: tokens,
          temperature: 0,
          stream: true,
          stream_options: { include_usage: true },
        }),
      });
      if (response.statusCode !== 200) throw new Error(`gateway answered ${response.statusCode}: ${await response.body.text()}`);
      let buffered = '';
      let completionTokens = 0;
      let first = true;
      for await (const chunk of response.body) {
        buffered += chunk.toString();
        let end;
        while ((end = buffered.indexOf('\n\n')) !== -1) {
          const event = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          if (first && event.includes('"text":"') && !event.includes('"text":""')) {
            first = false;
            firsts.push(performance.now() - started);
          }
          const usage = /"completion_tokens":(\d+)/.exec(event);
          if (usage) completionTokens = Number(usage[1]);
        }
      }
      return completionTokens;
    }),
  );
  return { tokens: counts.reduce((sum, count) => sum + count, 0), seconds: (performance.now() - started) / 1000, ttftMs: mean(firsts) };
}

/** What the grammar rows ask for: plain text, any JSON object, or JSON per a schema (an object with a string, a bounded integer, an enum and an array). */
const noGrammar = { 'plain text (no grammar)': {} };
const answerFormats: Record<string, Record<string, unknown>> = {
  ...noGrammar,
  json_object: { response_format: { type: 'json_object' } },
  json_schema: {
    response_format: {
      type: 'json_schema',
      json_schema: {
        name: 'person',
        schema: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            age: { type: 'integer', minimum: 1, maximum: 120 },
            mood: { enum: ['happy', 'sad', 'calm'] },
            friends: { type: 'array', items: { type: 'string' } },
          },
          required: ['name', 'age', 'mood', 'friends'],
        },
      },
    },
  },
};

/** n chat streams at once through the embedded Provider, each held to the grammar of `format` (seeded sampling, the same for every format). */
async function grammarRun(embedded: EmbeddedProvider, streams: number, format: Record<string, unknown>): Promise<Run> {
  const started = performance.now();
  const firsts: number[] = [];
  const counts = await Promise.all(
    prompts.slice(0, streams).map(async (prompt, index) => {
      const reply = await embedded.call({
        operation: 'chat',
        body: {
          messages: [{ role: 'user', content: prompt }],
          max_tokens: tokens,
          temperature: 1,
          seed: index + 1,
          stream: true,
          ...format,
        },
        signal: new AbortController().signal,
      });
      if (reply.kind !== 'stream') throw new Error('expected a stream');
      let first = true;
      for await (const chunk of reply.chunks) {
        if (first && chunk.includes('"content":"') && !chunk.includes('"content":""')) {
          first = false;
          firsts.push(performance.now() - started);
        }
      }
      return reply.usage()?.completionTokens ?? 0;
    }),
  );
  return { tokens: counts.reduce((sum, count) => sum + count, 0), seconds: (performance.now() - started) / 1000, ttftMs: mean(firsts) };
}

/** n streams at once through the embedded Provider in this process: the engine's own share, without HTTP. */
async function provider(embedded: EmbeddedProvider, streams: number): Promise<Run> {
  const started = performance.now();
  const firsts: number[] = [];
  const counts = await Promise.all(
    prompts.slice(0, streams).map(async (prompt) => {
      const reply = await embedded.call({
        operation: 'completion',
        body: { model: 'stories', prompt, max_tokens: tokens, temperature: 0, stream: true },
        signal: new AbortController().signal,
      });
      if (reply.kind !== 'stream') throw new Error('expected a stream');
      let first = true;
      for await (const chunk of reply.chunks) {
        if (first && chunk.includes('"text":"') && !chunk.includes('"text":""')) {
          first = false;
          firsts.push(performance.now() - started);
        }
      }
      return reply.usage()?.completionTokens ?? 0;
    }),
  );
  return { tokens: counts.reduce((sum, count) => sum + count, 0), seconds: (performance.now() - started) / 1000, ttftMs: mean(firsts) };
}

interface BenchServer {
  url: string;
  key: string;
  pid: number;
  stop(): Promise<void>;
}

/** bench/engine-server.ts of `checkout` (this one, or COMPARE's) in its own process. */
async function startServer(checkout: string): Promise<BenchServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(checkout, 'bench/engine-server.ts')], {
    cwd: checkout,
    env: { ...process.env, BENCH_MODEL: modelPath, BENCH_THREADS: String(threads), DEVUP_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
  });
  const { url, key } = JSON.parse(line) as { url: string; key: string };
  return {
    url,
    key,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const median = (values: number[]) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)];
function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
}
const summary = (runs: Run[]) => ({
  tokensPerSecond: median(runs.map((run) => run.tokens / run.seconds)),
  ttftMs: median(runs.map((run) => run.ttftMs)),
  tokens: runs[0].tokens,
  cpuMicrosPerToken:
    (runs.reduce((sum, run) => sum + (run.cpuMs ?? Number.NaN), 0) * 1000) / runs.reduce((sum, run) => sum + run.tokens, 0),
  runs,
});

const llama = await loadLlamaRuntime();
const model = await llama.loadModel({ modelPath });
const contexts = new Map<number, LlamaContext>();
for (const count of new Set([threads, ...sweep]))
  contexts.set(count, await model.createContext({ contextSize: 512, sequences: 8, threads: count, batching: engineBatching }));
const server = await startServer(root);
const before = compare ? await startServer(compare) : undefined;
const holder = new EngineHolder(() => EmbeddedEngine.load({ file: modelPath, contextSize: 512, parallel: 8, threads, queueSize: 64 }), 0);
const embedded = new EmbeddedProvider({ holder, file: modelPath, hasChatTemplate: false, name: 'stories' });

// Warm both sides once (first decode allocates buffers), then interleave the measured rounds.
await direct(model, contexts.get(threads)!, 8);
await gateway(server.url, server.key, 8);
if (before) await gateway(before.url, before.key, 8);
await provider(embedded, 8);
const results: Record<string, Run[]> = {
  'direct 1': [],
  'provider 1': [],
  'gateway 1': [],
  'direct 8': [],
  'provider 8': [],
  'gateway 8': [],
  'before 1': [],
  'before 8': [],
};
const grammarResults: Record<string, Run[]> = {};
for (const format of Object.values(answerFormats)) await grammarRun(embedded, 8, format);
for (let round = 0; round < rounds; round++) {
  for (const streams of [1, 8]) {
    results[`direct ${streams}`].push(await measured(process.pid, () => direct(model, contexts.get(threads)!, streams)));
    results[`provider ${streams}`].push(await measured(process.pid, () => provider(embedded, streams)));
    results[`gateway ${streams}`].push(await measured(server.pid, () => gateway(server.url, server.key, streams)));
    if (before) results[`before ${streams}`].push(await measured(before.pid, () => gateway(before.url, before.key, streams)));
    for (const [label, format] of Object.entries(answerFormats)) {
      (grammarResults[`${label} ${streams}`] ??= []).push(await grammarRun(embedded, streams, format));
    }
  }
}
await server.stop();
await before?.stop();
await embedded.close();

const rows: string[] = [];
for (const streams of [1, 8]) {
  const own = summary(results[`direct ${streams}`]);
  const versus = (other: ReturnType<typeof summary>) => {
    const perRound = other.runs.map((run, index) => {
      const base = own.runs[index];
      return (run.tokens / run.seconds / (base.tokens / base.seconds)) * 100;
    });
    const ttft = other.ttftMs - own.ttftMs;
    return (
      `${((other.tokensPerSecond / own.tokensPerSecond) * 100).toFixed(0)}% of direct ` +
      `(rounds ${Math.min(...perRound).toFixed(0)}–${Math.max(...perRound).toFixed(0)}%), TTFT ${ttft >= 0 ? '+' : ''}${ttft.toFixed(2)} ms`
    );
  };
  const row = (label: string, run: ReturnType<typeof summary>, comparison: string) =>
    `| ${streams} | ${label} | ${run.tokens} | ${run.tokensPerSecond.toFixed(0)} | ${run.ttftMs.toFixed(2)} | ` +
    `${Number.isNaN(run.cpuMicrosPerToken) ? '–' : run.cpuMicrosPerToken.toFixed(0)} | ${comparison} |`;
  const inProcess = summary(results[`provider ${streams}`]);
  const through = summary(results[`gateway ${streams}`]);
  rows.push(
    row('direct (node-llama-cpp)', own, ''),
    row('embedded Provider, in process', inProcess, versus(inProcess)),
    row('gateway (HTTP, SSE)', through, versus(through)),
  );
  if (before) {
    const earlier = summary(results[`before ${streams}`]);
    rows.push(row(`gateway (HTTP, SSE) of ${path.basename(compare!)} (COMPARE)`, earlier, versus(earlier)));
  }
}
process.stderr.write(`${rows.join('\n')}\n`);

const grammarRows: string[] = [];
for (const streams of [1, 8]) {
  const plain = summary(grammarResults[`${Object.keys(noGrammar)[0]} ${streams}`]);
  for (const label of Object.keys(answerFormats)) {
    const run = summary(grammarResults[`${label} ${streams}`]);
    const versus = label in noGrammar ? '' : `${((run.tokensPerSecond / plain.tokensPerSecond) * 100).toFixed(0)}% of plain`;
    grammarRows.push(
      `| ${streams} | ${label} | ${run.tokens} | ${run.tokensPerSecond.toFixed(0)} | ${run.ttftMs.toFixed(2)} | ${versus} |`,
    );
  }
}
process.stderr.write(`${grammarRows.join('\n')}\n`);

const sweepRows: string[] = [];
for (const count of sweep) {
  const context = contexts.get(count)!;
  const single = summary([
    await direct(model, context, 1, sweepTokens),
    await direct(model, context, 1, sweepTokens),
    await direct(model, context, 1, sweepTokens),
  ]);
  const eight = summary([
    await direct(model, context, 8, sweepTokens),
    await direct(model, context, 8, sweepTokens),
    await direct(model, context, 8, sweepTokens),
  ]);
  process.stderr.write(`threads ${count}: ${single.tokensPerSecond.toFixed(0)} / ${eight.tokensPerSecond.toFixed(0)} tokens/s\n`);
  sweepRows.push(`| ${count} | ${single.tokensPerSecond.toFixed(0)} | ${eight.tokensPerSecond.toFixed(0)} | ${single.ttftMs.toFixed(2)} |`);
}
for (const context of contexts.values()) await context.dispose();
await model.dispose();

const load = os.loadavg()[0].toFixed(1);
const section = [
  '## Embedded engine: node-llama-cpp directly vs through the gateway',
  '',
  `\`npm run bench:engine\` (TOKENS=${tokens} ROUNDS=${rounds} BENCH_THREADS=${threads}): stories260K (${path.basename(modelPath)}), greedy, ` +
    `the same 8 prompts and lengths both ways; 8 sequences of one context decoding together. Direct = this process calling ` +
    '`sequence.evaluate()` on a context made as the engine makes its own (threads, batching); embedded Provider = `EmbeddedProvider.call()` streamed in this process (no HTTP); gateway = `bench/engine-server.ts` (real server: keys, usage records, metrics; the real `embedded` ' +
    'target) in its own process, streamed completions over HTTP read by this process. Tokens/s = all streams’ tokens over wall ' +
    'time (prompt included); TTFT = mean time to the first token (direct) or first text event (gateway). Medians of interleaved rounds; ' +
    'the ratio’s spread is that of each round against its direct run. Main-thread CPU: of this process (direct, Provider) or the ' +
    'bench server (gateway), from /proc, summed over the rounds; the serving thread’s work per token, which moves less with the machine’s load than wall times do. ' +
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), load average ${load} at the end.`,
  '',
  '| streams | path | tokens | tokens/s | TTFT ms | main-thread CPU µs/token | vs direct |',
  '|---:|---|---:|---:|---:|---:|---|',
  ...rows,
  '',
  `Grammar (tools and structured output): chat streams through the embedded Provider in this process, ${tokens} tokens at most each, ` +
    'temperature 1 with the same seeds for every format; plain text against the same answers held to a grammar (any JSON object; the ' +
    'schema of an object with a string, an integer from 1 to 120, an enum and an array of strings). Answers held to a grammar end when their ' +
    'JSON is complete, so they may be shorter; tokens/s is over the tokens each wrote. Medians of the same interleaved rounds.',
  '',
  '| streams | answer | tokens | tokens/s | TTFT ms | vs plain |',
  '|---:|---|---:|---:|---:|---|',
  ...grammarRows,
  '',
  `Threads sweep (direct, ${sweepTokens} tokens per stream, median of 3): why \`DEVUP_ENGINE_THREADS\` defaults to 1.`,
  '',
  '| threads | 1 stream tokens/s | 8 streams tokens/s | 1 stream TTFT ms |',
  '|---:|---:|---:|---:|',
  ...sweepRows,
  '',
].join('\n');
process.stdout.write(`${section}\n`);

const docsPath = path.join(root, 'docs/benchmarks.md');
const docs = fs.readFileSync(docsPath, 'utf8');
// Only the text between the markers is replaced; readings written by hand after it stay.
const [startMarker, endMarker] = ['<!-- engine-bench:start -->', '<!-- engine-bench:end -->'];
const start = docs.indexOf(startMarker);
const end = docs.indexOf(endMarker);
const block = `${startMarker}\n${section}${endMarker}`;
const updated =
  start === -1 || end === -1 ? `${docs.trimEnd()}\n\n${block}\n` : `${docs.slice(0, start)}${block}${docs.slice(end + endMarker.length)}`;
fs.writeFileSync(docsPath, updated.endsWith('\n') ? updated : `${updated}\n`);
process.stdout.write(`written to ${path.relative(root, docsPath)}\n`);
