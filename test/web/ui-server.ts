import crypto from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/server/app.js';
import { createServices } from '../../src/server/services.js';

export const webDist = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Builds the UI into web/dist (the same `vite build` as `npm run build`). */
export async function buildUi(): Promise<void> {
  const { build } = await import('vite');
  // vitest sets NODE_ENV=test, which makes vite bundle React's development build: build what ships.
  const testEnvironment = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url)), logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = testEnvironment;
  }
  if (!existsSync(path.join(webDist, 'index.html'))) throw new Error('vite build wrote no web/dist/index.html');
}

export interface UiServer {
  url: string;
  adminKey: string;
  close(): Promise<void>;
}

/** The real server in process: seeded library in a temp data dir, listening on a free port. */
export async function startUiServer(): Promise<UiServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'devup-ui-'));
  const adminKey = `devup-admin-${crypto.randomBytes(12).toString('hex')}`;
  const config = loadConfig({}, { dataDir, host: '127.0.0.1', port: 0, adminKey, logLevel: 'silent', seedLibrary: true });
  const services = await createServices(config);
  const app = await createApp(services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    adminKey,
    async close() {
      await app.close();
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
