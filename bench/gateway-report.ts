/**
 * Turns the harness's results.tsv files (DevUp, Portkey) into the "Gateway overhead" section of
 * docs/benchmarks.md: per load point, req/s, p50/p99, latency added over direct, gateway CPU per
 * request, and each gateway's resident memory after the run, with the issue's targets checked.
 * Usage: node dist-bench/bench/gateway-report.js OUT_DIR RESULTS.tsv...
 */
import fs from 'node:fs';
import path from 'node:path';

interface Row {
  name: string;
  target: 'direct' | 'gateway';
  scenario: string;
  concurrency: number;
  rps: number;
  p50: number;
  p99: number;
  cpu: number;
}

const [outDir, ...files] = process.argv.slice(2);
const rows: Row[] = files.flatMap((file) =>
  fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const field = line.split('\t');
      return {
        name: field[0],
        target: field[2] as Row['target'],
        scenario: field[3],
        concurrency: Number(field[4]),
        rps: Number(field[7]),
        p50: Number(field[8]),
        p99: Number(field[10]),
        cpu: Number(field[14]),
      };
    }),
);
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const pick = (name: string, target: Row['target'], scenario: string, concurrency: number) =>
  rows.filter((row) => row.name === name && row.target === target && row.scenario === scenario && row.concurrency === concurrency);
const points = [...new Set(rows.map((row) => `${row.scenario} ${row.concurrency}`))]
  .map((point) => point.split(' '))
  .map(([scenario, concurrency]) => ({ scenario, concurrency: Number(concurrency) }));
// Gateways have their own direct rows; a route of a gateway (`devup-responses`) is measured against its gateway's.
const gateways = [...new Set(rows.filter((row) => row.target === 'direct').map((row) => row.name))];
const routes = [...new Set(rows.map((row) => row.name))].filter((name) => !gateways.includes(name));
const gatewayOf = (name: string) => gateways.find((gateway) => name.startsWith(`${gateway}-`)) ?? name;
// The first gateway (DevUp) against its own direct rate and each other gateway; Portkey in ×, the floor in %.
const comparisons = ['direct', ...gateways.slice(1)];
const comparisonLabel = (peer: string) => `${gateways[0]} / ${peer}`;

function stats(name: string, scenario: string, concurrency: number) {
  const direct = pick(gatewayOf(name), 'direct', scenario, concurrency);
  const gateway = pick(name, 'gateway', scenario, concurrency);
  if (gateway.length === 0) return undefined;
  return {
    directRps: mean(direct.map((row) => row.rps)),
    rps: mean(gateway.map((row) => row.rps)),
    p50: mean(gateway.map((row) => row.p50)),
    p99: mean(gateway.map((row) => row.p99)),
    addedP50: mean(gateway.map((row, index) => row.p50 - (direct[index] ?? direct[0]).p50)),
    cpu: mean(gateway.map((row) => row.cpu)),
  };
}

const rssLine = (name: string) => {
  const summary = path.join(outDir, name, 'summary.txt');
  return fs.existsSync(summary) ? (fs.readFileSync(summary, 'utf8').match(/gateway RSS: .*?;/)?.[0] ?? '') : '';
};

const lines = [
  '<!-- gateway-bench:start -->',
  '## Gateway overhead',
  '',
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`npm run bench:gateway\` (bench/harness/gateway-overhead.sh: gateway pinned to one core, wrk and the mock upstream on the other, loopback, mean of the repeats). DevUp ran with a user key with limits, usage records written to SQLite, Prometheus metrics and one JSON log line per request.`,
  '',
  `| load | direct req/s | ${gateways.map((name) => `${name} req/s | ${name} p50 / p99 ms | ${name} added p50 ms | ${name} CPU µs/req`).join(' | ')} | ${comparisons.map(comparisonLabel).join(' | ')} |`,
  `|---|---:|${gateways.map(() => '---:|---:|---:|---:').join('|')}|${comparisons.map(() => '---:').join('|')}|`,
];
for (const point of points) {
  const all = gateways.map((name) => stats(name, point.scenario, point.concurrency));
  const cells = all.map((stat) =>
    stat
      ? `${stat.rps.toFixed(0)} | ${stat.p50.toFixed(2)} / ${stat.p99.toFixed(2)} | ${stat.addedP50 >= 0 ? '+' : ''}${stat.addedP50.toFixed(2)} | ${stat.cpu.toFixed(0)}`
      : '- | - | - | -',
  );
  const [first] = all;
  const shares = comparisons.map((peer) => {
    if (!first) return '-';
    if (peer === 'direct') return `${((first.rps / first.directRps) * 100).toFixed(0)}%`;
    const other = all[gateways.indexOf(peer)];
    if (!other) return '-';
    return peer === 'portkey' ? `${(first.rps / other.rps).toFixed(2)}×` : `${((first.rps / other.rps) * 100).toFixed(0)}%`;
  });
  const direct = all.find(Boolean)?.directRps ?? 0;
  const label = point.scenario === 'stream' ? `stream (20 chunks), c=${point.concurrency}` : `non-stream, c=${point.concurrency}`;
  lines.push(`| ${label} | ${direct.toFixed(0)} | ${cells.join(' | ')} | ${shares.join(' | ')} |`);
}
if (routes.length > 0) {
  lines.push(
    '',
    'The Responses and Messages routes, translated to and from chat at the edge, against the chat route: the same 20-chunk streams from the mock, through the same gateway process in the same repeats.',
    '',
    '| route | load | req/s | p50 / p99 ms | added p50 ms | CPU µs/req | CPU vs chat | added p50 vs chat |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const route of routes) {
    for (const point of points.filter((candidate) => candidate.scenario === 'stream')) {
      const stat = stats(route, point.scenario, point.concurrency);
      const chat = stats(gatewayOf(route), point.scenario, point.concurrency);
      if (!stat || !chat) continue;
      const cpuChange = (stat.cpu / chat.cpu - 1) * 100;
      const addedChange = stat.addedP50 - chat.addedP50;
      lines.push(
        `| ${route.slice(gatewayOf(route).length + 1)} | stream, c=${point.concurrency} | ${stat.rps.toFixed(0)} | ${stat.p50.toFixed(2)} / ${stat.p99.toFixed(2)} | ${signed(stat.addedP50)} | ${stat.cpu.toFixed(0)} | ${signed(cpuChange, 1)}% | ${signed(addedChange)} ms |`,
      );
    }
  }
}
const loadFile = path.join(outDir, 'load.txt');
const loads = fs.existsSync(loadFile)
  ? [...fs.readFileSync(loadFile, 'utf8').matchAll(/load average: ([\d.]+)/g)].map((match) => match[1])
  : [];
lines.push('', ...gateways.map((name) => `- ${name}: ${rssLine(name)}`));
if (loads.length > 0)
  lines.push(
    `- machine load average (1 min) before / after the run: ${loads.join(' / ')} on 2 cores (the gateways ran one after the other; other engineers' builds and tests shared the machine, so the load differed between them)`,
  );
lines.push(
  '',
  'The floor is bench/floor-server.ts: a bare Fastify app and an undici Pool (key hashed and looked up in a Map, body parsed, forwarded as received, usage read from the answer or the stream), no limits, records, metrics or logs. Each gateway ran in its own harness run with its own direct rows, one after the other.',
  '',
  'Targets (issue 3): non-stream ≥ 2.5× Portkey at c=1 and ≥ 5× at c=10/64 (< 0.2 ms gateway CPU per request), added p50 < 0.4 ms at c=1, 20-chunk stream +< 1 ms at c=1 and ≥ 2.5× Portkey at c=32, RSS after the run < 200 MiB. Issue 11: the Responses and Messages routes within 10% of the chat route in added latency and CPU per request. Issue 14: non-stream c=10/64 ≥ 90% of the floor with < 150 µs gateway CPU per request, 20-chunk streams at c=32 ≥ 90% of direct, ≥ 4× Portkey.',
  '<!-- gateway-bench:end -->',
);

function signed(value: number, digits = 2): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

const docs = path.resolve('docs/benchmarks.md');
const section = lines.join('\n');
const existing = fs.existsSync(docs) ? fs.readFileSync(docs, 'utf8') : '# Benchmarks\n';
const updated = existing.includes('<!-- gateway-bench:start -->')
  ? existing.replace(/<!-- gateway-bench:start -->[\s\S]*<!-- gateway-bench:end -->/, section)
  : `${existing.trimEnd()}\n\n${section}\n`;
fs.writeFileSync(docs, updated);
process.stdout.write(`${section}\n`);
