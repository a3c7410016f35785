import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import OpenAI from 'openai';
import { loadConfig, type Config } from '../../../src/config.js';
import type { RoutableDeployment } from '../../../src/gateway/deployment-registry.js';
import { createGatewayServices, type GatewayOptions } from '../../../src/gateway/gateway-services.js';
import { createApp } from '../../../src/server/app.js';
import { createLogger, createServices, type AppServices } from '../../../src/server/services.js';
import { TestRegistry } from './test-registry.js';

export const adminKey = 'test-admin-key-0123456789abcdef';

export interface GatewayHarness {
  app: FastifyInstance;
  services: AppServices;
  registry: TestRegistry;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** An OpenAI SDK client of this gateway with the given key (no SDK retries: tests see each answer). */
  client(key: string): OpenAI;
  /** Creates a user key through the admin API and returns it in clear. */
  createKey(body?: Record<string, unknown>): Promise<{ id: string; key: string }>;
  admin(method: string, urlPath: string, body?: unknown): Promise<Response>;
  dataDir: string;
  /** As `devup serve` does on SIGTERM: stop taking requests, let in-flight ones finish, flush usage, close services. */
  shutdown(): Promise<void>;
  /** Shuts down (if not yet), closes the test registry's providers and removes the data dir. */
  stop(): Promise<void>;
}

export interface HarnessOptions {
  deployments?: RoutableDeployment[];
  gateway?: GatewayOptions;
  config?: Partial<Config>;
}

/** A real gateway on 127.0.0.1 and a free port, in a fresh data dir, over a test registry. */
export async function startGateway(options: HarnessOptions = {}): Promise<GatewayHarness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-gateway-'));
  const config = loadConfig(
    {},
    { dataDir, adminKey, logLevel: 'silent', seedLibrary: false, port: 0, host: '127.0.0.1', ...options.config },
  );
  const logger = createLogger(config);
  const base = await createServices(config, logger);
  // The test's own gateway parts (policy, flush interval) and registry replace the defaults.
  await base.gateway.close();
  const gateway = await createGatewayServices(
    { ...base, adminKeyHash: base.adminKey.hash },
    { processMetrics: false, keyReloadMs: 0, ...options.gateway },
  );
  const registry = new TestRegistry(options.deployments);
  const services: AppServices = {
    ...base,
    deployments: registry,
    gateway,
    async close() {
      await gateway.close();
      await base.close();
    },
  };
  const app = await createApp(services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const admin = (method: string, urlPath: string, body?: unknown) =>
    fetch(`${url}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  let shuttingDown: Promise<void> | undefined;
  const shutdown = () =>
    (shuttingDown ??= (async () => {
      await app.close();
      await services.close();
    })());
  let stopped = false;
  return {
    app,
    services,
    registry,
    url,
    client: (key) => new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0, timeout: 20_000 }),
    async createKey(body = {}) {
      const response = await admin('POST', '/api/keys', { name: 'test', ...body });
      if (response.status !== 201) throw new Error(`creating a key failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string; key: string };
    },
    admin,
    dataDir,
    shutdown,
    async stop() {
      if (stopped) return;
      stopped = true;
      await shutdown();
      await registry.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
