import pino, { type Logger } from 'pino';
import type { Config } from '../config.js';
import { openStore, type Store } from '../store/database.js';
import { resolveAdminKey, type AdminKey } from './admin-key.js';

/** Everything the routes need, built once at start from the config and passed down. */
export interface AppServices {
  config: Config;
  store: Store;
  logger: Logger;
  adminKey: AdminKey;
  /** Stops background work and closes the store, in reverse order of start. */
  close(): Promise<void>;
}

export async function createServices(config: Config, logger: Logger = createLogger(config)): Promise<AppServices> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const adminKey = resolveAdminKey(config.dataDir, config.adminKey);
  const closers: Array<() => Promise<void>> = [() => store.close()];
  return {
    config,
    store,
    logger,
    adminKey,
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'devup' },
    // Secrets never reach the log, whichever object carries them.
    redact: { paths: ['*.authorization', '*.headers.authorization', '*["x-api-key"]', '*.apiKey', '*.key'], censor: '[redacted]' },
  });
}
