/**
 * The gateway side of `npm run bench:engine`: the real server (createServices + createApp, keys,
 * usage records and metrics on) serving one `embedded` deployment, `stories`, loaded by the real
 * target from BENCH_MODEL with BENCH_THREADS threads and 8 parallel sequences. Prints its URL and
 * a user key as one JSON line once ready.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { type DeploymentRegistry, type RoutableDeployment } from '../src/gateway/deployment-registry.js';
import { defaultTimeouts } from '../src/providers/target-timeouts.js';
import { createEmbeddedTarget } from '../src/deploy/targets/embedded-target.js';
import { createApp } from '../src/server/app.js';
import { createLogger, createServices } from '../src/server/services.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-bench-engine-'));
const adminKey = 'bench-admin-key-0123456789abcdef';
const config = loadConfig(process.env, { host: '127.0.0.1', port: 0, dataDir, adminKey, seedLibrary: false, logLevel: 'warn' });
const target = createEmbeddedTarget({ config });
const spec = target.parseSpec({
  file: process.env.BENCH_MODEL,
  parallel: 8,
  contextSize: 512,
  threads: Number(process.env.BENCH_THREADS ?? config.engineThreads),
});
const running = await target.start(spec, {
  deploymentName: 'stories',
  targetId: 'stories-1',
  dataDir,
  timeouts: defaultTimeouts,
  emit: () => {},
  signal: new AbortController().signal,
});
const deployment: RoutableDeployment = {
  name: 'stories',
  modelId: null,
  fallbacks: [],
  targets: [
    { id: 'stories-1', kind: 'embedded', weight: 1, upstreamModel: 'stories', provider: running.provider, timeouts: defaultTimeouts },
  ],
};
const registry: DeploymentRegistry = { get: (name) => (name === deployment.name ? deployment : undefined), list: () => [deployment] };
const services = await createServices(config, createLogger(config));
const app = await createApp({ ...services, deployments: registry });
await app.listen({ host: config.host, port: 0 });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const response = await fetch(`${url}/api/keys`, {
  method: 'POST',
  headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'bench' }),
});
const { key } = (await response.json()) as { key: string };
process.stdout.write(`${JSON.stringify({ url, key })}\n`);

const stop = async () => {
  await app.close();
  await services.close();
  await running.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
