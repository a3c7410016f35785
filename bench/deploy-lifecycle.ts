// npm run bench:deploy — what the deployment lifecycle costs: a managed engine process from
// `create` to ready, SIGKILL to serving again (restart with backoff), a gateway restart that
// re-attaches to the running engine instead of relaunching it, an endpoint to ready, and the
// registry lookup the gateway does per request. ROUNDS (default 5) runs of each; medians.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { DeploymentManager } from '../src/deploy/deployment-manager.js';
import type { DeploymentView } from '../src/deploy/deployment-view.js';
import { SecretBox } from '../src/deploy/secrets.js';
import { createTargetKinds } from '../src/deploy/targets/index.js';
import { openStore } from '../src/store/database.js';

const rounds = Number(process.env.ROUNDS ?? 5);
const script = path.resolve(import.meta.dirname, '../test/support/openai-process-server.mjs');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-bench-deploy-'));
const config = loadConfig({}, { dataDir });
const store = await openStore({ dataDir });
const open = () =>
  DeploymentManager.open({
    store,
    kinds: createTargetKinds({ config }),
    secrets: SecretBox.fromConfig(config),
    dataDir,
    logger: pino({ level: 'silent' }),
    healthIntervalMs: 1_000,
  });
let manager = await open();

async function until(name: string, predicate: (view: DeploymentView) => boolean): Promise<DeploymentView> {
  for (;;) {
    const view = manager.describe(name);
    if (predicate(view)) return view;
    if (view.state === 'failed') throw new Error(`${name} failed: ${view.reason}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Polls a chat call through the registry until it answers (what a client would see). */
async function untilServing(name: string): Promise<void> {
  for (;;) {
    const target = manager.get(name)?.targets[0];
    try {
      const reply = await target!.provider.call({
        operation: 'chat',
        body: { model: target!.upstreamModel, messages: [{ role: 'user', content: 'ping' }] },
        signal: AbortSignal.timeout(1_000),
      });
      if (reply.kind === 'json') return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

const pidOf = (view: DeploymentView) => Number(/pid (\d+)/.exec(view.targets[0].address ?? '')?.[1]);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results: Record<string, number[]> = {
  'process: create → ready': [],
  'process: SIGKILL → serving again': [],
  'gateway restart: re-attach → ready': [],
  'endpoint: create → ready': [],
};

for (let round = 0; round < rounds; round += 1) {
  const name = `engine-${round}`;
  let started = performance.now();
  await manager.create(
    manager.parseInput({ name, targets: [{ kind: 'process', spec: { command: process.execPath, args: [script, '--port', '{port}'] } }] }),
  );
  const ready = await until(name, (view) => view.state === 'ready');
  results['process: create → ready'].push(performance.now() - started);

  started = performance.now();
  process.kill(pidOf(ready), 'SIGKILL');
  await until(name, (view) => pidOf(view) !== pidOf(ready));
  await untilServing(name);
  results['process: SIGKILL → serving again'].push(performance.now() - started);

  await manager.close();
  started = performance.now();
  manager = await open();
  await until(name, (view) => view.state === 'ready');
  results['gateway restart: re-attach → ready'].push(performance.now() - started);

  const endpoint = `endpoint-${round}`;
  const url = /^(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(manager.describe(name).targets[0].address!)![1];
  started = performance.now();
  await manager.create(manager.parseInput({ name: endpoint, targets: [{ kind: 'endpoint', spec: { url } }] }));
  await until(endpoint, (view) => view.state === 'ready');
  results['endpoint: create → ready'].push(performance.now() - started);
  await manager.delete(endpoint);
  if (round < rounds - 1) await manager.delete(name);
}

// The hot path: one registry lookup per request, among 1,000 ready deployments (endpoints on the last engine).
const engineUrl = /^(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(manager.describe(`engine-${rounds - 1}`).targets[0].address!)![1];
for (let batch = 0; batch < 1_000; batch += 50) {
  await Promise.all(
    Array.from({ length: 50 }, (_, index) =>
      manager.create(
        manager.parseInput({
          name: `idle-${batch + index}`,
          settings: { healthIntervalMs: 3_600_000 },
          targets: [{ kind: 'endpoint', spec: { url: engineUrl } }],
        }),
      ),
    ),
  );
}
await until('idle-999', (view) => view.state === 'ready');
await until('idle-7', (view) => view.state === 'ready');
const lookups = 5_000_000;
let found = 0;
const lookupStart = process.hrtime.bigint();
for (let index = 0; index < lookups; index += 1) if (manager.get(index % 2 ? 'idle-7' : 'missing')) found += 1;
const nsPerLookup = Number(process.hrtime.bigint() - lookupStart) / lookups;
if (found !== lookups / 2) throw new Error(`registry lookups found ${found}, expected ${lookups / 2}`);

console.log(`\n| measurement (${rounds} rounds) | median ms | min ms | max ms |\n|---|---:|---:|---:|`);
for (const [label, values] of Object.entries(results)) {
  console.log(`| ${label} | ${median(values).toFixed(0)} | ${Math.min(...values).toFixed(0)} | ${Math.max(...values).toFixed(0)} |`);
}
console.log(`| registry get() among 1,000 deployments | ${(nsPerLookup / 1e6).toFixed(6)} (${nsPerLookup.toFixed(0)} ns) | | |`);

for (const view of manager.describeAll()) await manager.delete(view.name);
await manager.close();
await store.close();
fs.rmSync(dataDir, { recursive: true, force: true });
