import pino, { type Logger } from 'pino';
import type { Config } from '../config.js';
import { openStore, type Store } from '../store/database.js';
import { LibraryService } from '../library/library-service.js';
import { resolveAdminKey, type AdminKey } from './admin-key.js';
import type { DeploymentRegistry } from '../deploy/registry.js';
import { createGatewayServices, type GatewayServices } from '../gateway/gateway-services.js';

// Until the deployment manager is wired in here, the gateway serves no deployments.
const noDeploymentsYet: DeploymentRegistry = { get: () => undefined, list: () => [] };

/** Everything the routes need, built once at start from the config and passed down. */
export interface AppServices {
  config: Config;
  store: Store;
  logger: Logger;
  adminKey: AdminKey;
  /** The Model Library: cards, benchmarks, results, search, compare, imports. */
  library: LibraryService;
  /** Ready deployments, read by the gateway per request. */
  deployments: DeploymentRegistry;
  /** Keys, limits, usage records, metrics, routing state of the /v1 gateway. */
  gateway: GatewayServices;
  /** Stops background work and closes the store, in reverse order of start. */
  close(): Promise<void>;
}

export async function createServices(config: Config, logger: Logger = createLogger(config)): Promise<AppServices> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const adminKey = resolveAdminKey(config.dataDir, config.adminKey);
  const closers: Array<() => Promise<void>> = [() => store.close()];
  const library = new LibraryService(store);
  if (config.seedLibrary) await library.seedIfEmpty();
  const gateway = await createGatewayServices({ config, store, logger, adminKey });
  closers.push(() => gateway.close());
  return {
    config,
    store,
    logger,
    adminKey,
    library,
    deployments: noDeploymentsYet,
    gateway,
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
