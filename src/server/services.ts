import pino, { type Logger } from 'pino';
import type { Config } from '../config.js';
import { openStore, type Store } from '../store/database.js';
import { HubClient } from '../library/hub/hub-client.js';
import { LibraryService } from '../library/library-service.js';
import { plannerSizer } from '../deploy/planner/planner-sizer.js';
import { resolveAdminKey, type AdminKey } from './admin-key.js';
import { DeploymentManager } from '../deploy/deployment-manager.js';
import type { DeploymentRegistry } from '../gateway/deployment-registry.js';
import { storeModelCatalog } from '../deploy/model-catalog.js';
import { SecretBox } from '../deploy/secrets.js';
import { createTargetKinds } from '../deploy/targets/index.js';
import { createGatewayServices, type GatewayServices } from '../gateway/gateway-services.js';
import type { ChangeBus } from '../store/change-bus/change-bus.js';
import { createChangeBus } from '../store/change-bus/create-change-bus.js';

/** Everything the routes need, built once at start from the config and passed down. */
export interface AppServices {
  config: Config;
  store: Store;
  logger: Logger;
  adminKey: AdminKey;
  /** The Model Library: cards, benchmarks, results, search, compare, imports. */
  library: LibraryService;
  /** Ready deployments, read by the gateway per request (from memory; the deployment manager keeps it current). */
  deployments: DeploymentRegistry;
  /** Deployments' lifecycle: create, start, stop, delete, events, logs (the /api/deployments routes). */
  deploymentManager: DeploymentManager;
  /** Keys, limits, usage records, metrics, routing state of the /v1 gateway. */
  gateway: GatewayServices;
  /** Change notices between replicas (Redis pub/sub when configured; readiness pings it). */
  changes: ChangeBus;
  /** Stops background work and closes the store, in reverse order of start. */
  close(): Promise<void>;
}

export async function createServices(config: Config, logger: Logger = createLogger(config)): Promise<AppServices> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const adminKey = resolveAdminKey(config.dataDir, config.adminKey);
  const closers: Array<() => Promise<void>> = [() => store.close()];
  const library = new LibraryService(store, {
    sizer: plannerSizer,
    hub: HubClient.fromConfig(config),
  });
  if (config.seedLibrary) await library.seedIfEmpty();
  // Tells other replicas about key and deployment changes (Redis pub/sub when config.redisUrl is set); closes after them.
  const changes = createChangeBus(config);
  closers.push(() => changes.close());
  const gateway = await createGatewayServices({ config, store, logger, adminKeyHash: adminKey.hash, changes });
  closers.push(() => gateway.close());
  // Opened after the gateway so it closes first: processes detach, event writes flush, then usage flushes.
  const deployments = await DeploymentManager.open({
    store,
    kinds: createTargetKinds({ config, importModel: (model) => library.importModel(model) }),
    secrets: SecretBox.fromConfig(config),
    dataDir: config.dataDir,
    logger,
    models: storeModelCatalog(store),
    // With Redis, replicas share deployments: each follows the others' changes (see deployment-owners.ts).
    replica: config.redisUrl ? { id: config.replicaId, changes } : undefined,
  });
  closers.push(() => deployments.close());
  return {
    config,
    store,
    logger,
    adminKey,
    library,
    deployments,
    deploymentManager: deployments,
    gateway,
    changes,
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}

/** Log output waiting for stdout beyond this is dropped (and counted): a stdout that stops reading must not grow memory without end. */
const logBufferBytes = 16 * 1024 * 1024;

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  // Buffered: one write per 4 KiB instead of one per line (the gateway logs every request); written
  // at least once a second so a quiet server's lines still show, and flushed by pino on exit.
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096, maxLength: logBufferBytes });
  // Lines dropped since the last warning (pino writes a line at a time; 'drop' comes within the write).
  let dropped = 0;
  destination.on('drop', () => dropped++);
  setInterval(() => {
    try {
      destination.flush();
    } catch {
      // Destroyed at exit: nothing left to write.
    }
    if (dropped > 0) {
      const lines = dropped;
      dropped = 0;
      logger.warn({ droppedLines: lines }, 'log output dropped: stdout did not keep up');
      // Dropped as well (stdout still does not read): told with the next ones.
      if (dropped > 0) dropped = lines;
    }
  }, 1_000).unref();
  const logger = pino(
    {
      level: config.logLevel,
      base: { service: 'devup' },
      // Secrets never reach the log, whichever object carries them.
      redact: { paths: ['*.authorization', '*.headers.authorization', '*["x-api-key"]', '*.apiKey', '*.key'], censor: '[redacted]' },
    },
    destination,
  );
  return logger;
}
