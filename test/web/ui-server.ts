import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../src/config.js';
import { adminKey, startApp } from '../support/start-app.js';

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

/** The real server in process (`startApp`) with the seeded library, serving the built UI; `config` over that (the hub it imports from). */
export async function startUiServer(config: Partial<Config> = {}): Promise<UiServer> {
  const server = await startApp({ config: { seedLibrary: true, ...config } });
  return { url: server.url, adminKey, close: () => server.stop() };
}
