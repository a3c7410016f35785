import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import OpenAI, { type ClientOptions } from 'openai';
import { loadConfig, type Config } from '../../src/config.js';
import { createApp } from '../../src/server/app.js';
import { createServices, type AppServices } from '../../src/server/services.js';
import type { CliRun } from './run-cli.js';

/** The admin key of every app a test starts. */
export const adminKey = 'test-admin-key-0123456789abcdef';

export interface StartAppOptions {
  /** Over the test defaults: a fresh data dir, `adminKey`, silent logs, no seeded library, 127.0.0.1 on a free port. */
  config?: Partial<Config>;
  /** Replaces parts of the services before the app is built (a test registry, a gateway with a test policy). */
  services?(base: AppServices): Promise<AppServices>;
}

export interface TestApp {
  app: FastifyInstance;
  services: AppServices;
  /** `http://127.0.0.1:PORT` */
  url: string;
  dataDir: string;
  /** `METHOD url+urlPath` with the admin key (or `key`), the body as JSON. */
  admin(method: string, urlPath: string, body?: unknown, key?: string): Promise<Response>;
  /** Creates a user key through the admin API and returns it in clear. */
  createKey(body?: Record<string, unknown>): Promise<{ id: string; key: string }>;
  /** The request log's newest entry (`GET /api/logs?limit=1`). */
  lastLog(): Promise<Record<string, any>>;
  /** An OpenAI SDK client of this app with the given key (no SDK retries: tests see each answer). */
  client(key: string, options?: ClientOptions): OpenAI;
  /** `devup ARGS --server URL` in this process, with the admin key in DEVUP_ADMIN_KEY as a user's shell has it. */
  devup(...args: string[]): Promise<CliRun>;
  /** As `devup serve` does on SIGTERM: stop taking requests, let in-flight ones finish, flush usage, close services. */
  shutdown(): Promise<void>;
  /** Shuts down (if not yet) and removes the data dir. */
  stop(): Promise<void>;
}

/**
 * The real server as `devup serve` builds it (`createServices` + `createApp`), in a fresh data
 * dir, listening on 127.0.0.1 and a free port.
 *
 * @example
 *   const server = await startApp({ config: { seedLibrary: true } });
 *   const { key } = await server.createKey({ deployments: ['chat'] });
 *   await server.client(key).models.list();
 *   await server.stop();
 */
export async function startApp(options: StartAppOptions = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-test-'));
  const config = loadConfig(
    {},
    { dataDir, adminKey, logLevel: 'silent', seedLibrary: false, host: '127.0.0.1', port: 0, ...options.config },
  );
  const base = await createServices(config);
  let services = base;
  let app: FastifyInstance;
  try {
    if (options.services) services = await options.services(base);
    app = await createApp(services);
    await app.listen({ host: '127.0.0.1', port: 0 });
  } catch (error) {
    await services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const admin = (method: string, urlPath: string, body?: unknown, key = adminKey) =>
    fetch(`${url}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  let shuttingDown: Promise<void> | undefined;
  const shutdown = () =>
    (shuttingDown ??= (async () => {
      await app.close();
      await services.close();
    })());
  return {
    app,
    services,
    url,
    dataDir,
    admin,
    async createKey(body = {}) {
      const response = await admin('POST', '/api/keys', { name: 'test', ...body });
      if (response.status !== 201) throw new Error(`creating a key failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string; key: string };
    },
    async lastLog() {
      const response = await admin('GET', '/api/logs?limit=1');
      return ((await response.json()) as { data: Array<Record<string, any>> }).data[0];
    },
    client: (key, clientOptions) => new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0, timeout: 20_000, ...clientOptions }),
    // Loaded when used: the CLI runner needs vitest, and benches start apps outside it (bench/scale.ts).
    devup: async (...args) => (await import('./run-cli.js')).runCli([...args, '--server', url], { DEVUP_ADMIN_KEY: adminKey }),
    shutdown,
    async stop() {
      await shutdown();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
