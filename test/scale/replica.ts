import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import OpenAI from 'openai';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/server/app.js';
import { createLogger, createServices, type AppServices } from '../../src/server/services.js';

export const adminKey = 'scale-admin-key-0123456789abcdef';

export interface Replica {
  services: AppServices;
  /** `http://127.0.0.1:PORT` */
  url: string;
  admin(method: string, urlPath: string, body?: unknown): Promise<Response>;
  /** An OpenAI SDK client of this replica (no SDK retries: the test sees every answer). */
  client(key: string): OpenAI;
  stop(): Promise<void>;
}

/** One gateway replica as `devup serve` builds it (createServices + createApp), on a free loopback port. */
export async function startReplica(shared: { databaseUrl: string; redisUrl: string; replicaId: string }): Promise<Replica> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-replica-'));
  const config = loadConfig({}, { ...shared, dataDir, adminKey, logLevel: 'silent', seedLibrary: false, host: '127.0.0.1', port: 0 });
  const services = await createServices(config, createLogger(config));
  let app: FastifyInstance;
  try {
    app = await createApp(services);
    await app.listen({ host: '127.0.0.1', port: 0 });
  } catch (error) {
    await services.close();
    throw error;
  }
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    services,
    url,
    admin: (method, urlPath, body) =>
      fetch(`${url}${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    client: (key) => new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0, timeout: 10_000 }),
    async stop() {
      await app.close();
      await services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Retries `check` until it stops throwing (a notification crossing replicas takes a few ms). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
