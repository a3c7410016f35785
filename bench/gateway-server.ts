/**
 * The DevUp side of `npm run bench:gateway`: the real server (createServices + createApp, keys,
 * limits, usage records, metrics and request logs all on) with one deployment, `gpt-4o-mini`, whose
 * endpoint target is the bench's mock upstream (MOCK_URL). `--create-key` instead creates a user
 * key with (generous) limits in the data dir and prints it, so the load runs through the limiter.
 * For `npm run bench:gateway-soak`, BENCH_MEMORY_PORT opens a second loopback port, admin key
 * only, beside the app's: `GET /memory` (the process's memory and V8's heap spaces) and
 * `POST /heap-snapshot?name=N` (writes `N.heapsnapshot` into the data dir).
 */
import http from 'node:http';
import path from 'node:path';
import v8 from 'node:v8';
import { loadConfig } from '../src/config.js';
import { type DeploymentRegistry, type RoutableDeployment } from '../src/gateway/deployment-registry.js';
import { defaultTimeouts } from '../src/providers/target-timeouts.js';
import { KeyStore } from '../src/gateway/keys/key-store.js';
import { createOpenAICompatibleProvider } from '../src/providers/openai-compatible/openai-compatible-provider.js';
import { createApp } from '../src/server/app.js';
import { createLogger, createServices } from '../src/server/services.js';
import { matchesAdminKey } from '../src/server/admin-key.js';
import { bearerToken } from '../src/http/bearer-token.js';

const config = loadConfig(process.env, { host: '127.0.0.1', seedLibrary: false });
const logger = createLogger(config);

if (process.argv.includes('--create-key')) {
  const services = await createServices(config, logger);
  const keys = new KeyStore(services.store, services.adminKey.hash, logger);
  const created = await keys.create({
    name: 'bench',
    deployments: ['gpt-4o-mini'],
    limits: { requestsPerMinute: 100_000_000, tokensPerMinute: 1_000_000_000_000, budgetUsd: 1_000_000_000 },
  });
  process.stdout.write(`${created.key}\n`);
  await services.close();
} else {
  const mockUrl = process.env.MOCK_URL ?? 'http://127.0.0.1:9100/v1';
  const deployment: RoutableDeployment = {
    name: 'gpt-4o-mini',
    modelId: null,
    fallbacks: [],
    pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
    targets: [
      {
        id: 'mock',
        kind: 'endpoint',
        weight: 1,
        upstreamModel: 'gpt-4o-mini',
        timeouts: defaultTimeouts,
        provider: createOpenAICompatibleProvider({ baseUrl: mockUrl, timeouts: defaultTimeouts }),
      },
    ],
  };
  const registry: DeploymentRegistry = { get: (name) => (name === deployment.name ? deployment : undefined), list: () => [deployment] };
  const services = await createServices(config, logger);
  const app = await createApp({ ...services, deployments: registry });
  await app.listen({ host: config.host, port: config.port });
  if (process.env.BENCH_MEMORY_PORT) serveMemory(Number(process.env.BENCH_MEMORY_PORT), services.adminKey.hash, config.dataDir);
  const stop = () =>
    void app
      .close()
      .then(() => services.close())
      .then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function serveMemory(port: number, adminKeyHash: Buffer, dataDir: string): void {
  const answer = (response: http.ServerResponse, status: number, body: unknown) =>
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  http
    .createServer((request, response) => {
      if (!matchesAdminKey(bearerToken(request.headers), adminKeyHash)) return answer(response, 401, { error: 'admin key required' });
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (request.method === 'GET' && url.pathname === '/memory') {
        const heapSpaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]));
        return answer(response, 200, { ...process.memoryUsage(), heapSpaces });
      }
      if (request.method === 'POST' && url.pathname === '/heap-snapshot') {
        const name = /^[\w-]{1,40}$/.test(url.searchParams.get('name') ?? '') ? url.searchParams.get('name') : 'gateway';
        return answer(response, 200, { file: v8.writeHeapSnapshot(path.join(dataDir, `${name}.heapsnapshot`)) });
      }
      answer(response, 404, { error: 'GET /memory or POST /heap-snapshot?name=' });
    })
    .listen(port, '127.0.0.1');
}
