import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { ChangeBus } from '../store/change-bus/change-bus.js';
import type { Store } from '../store/database.js';
import type { Counters } from '../store/counters/counters.js';
import { createCounters } from '../store/counters/create-counters.js';
import { MemoryCounters } from '../store/counters/memory-counters.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { KeyStore } from './keys/key-store.js';
import { Limiter } from './limiter.js';
import { defaultRoutingPolicy, type RoutingPolicy } from './routing/routing-policy.js';
import { TargetHealth } from './routing/target-health.js';
import { UsageRecorder, type UsageRecorderOptions } from './usage/usage-recorder.js';

/** The gateway's long-lived parts, built once at start (no database on the request path). */
export interface GatewayServices {
  keys: KeyStore;
  counters: Counters;
  limiter: Limiter;
  usage: UsageRecorder;
  metrics: GatewayMetrics;
  health: TargetHealth;
  policy: RoutingPolicy;
  /** Flushes usage records and stops timers; call after the HTTP server stopped taking requests. Idempotent. */
  close(): Promise<void>;
}

export interface GatewayOptions {
  policy?: Partial<RoutingPolicy>;
  usage?: UsageRecorderOptions;
  /** How often keys are reloaded from the database, for changes made by other replicas (0: never). */
  keyReloadMs?: number;
  /** Process metrics (CPU, memory, event loop) in `/metrics`; tests with two apps in one process turn them off. */
  processMetrics?: boolean;
}

/**
 * @example
 *   const gateway = await createGatewayServices({ config, store, logger, adminKeyHash });
 *   // …serve…
 *   await gateway.close(); // writes the last usage records
 */
export async function createGatewayServices(
  base: { config: Config; store: Store; logger: Logger; adminKeyHash: Buffer; changes?: ChangeBus },
  options: GatewayOptions = {},
): Promise<GatewayServices> {
  const { config, store, logger } = base;
  const policy = { ...defaultRoutingPolicy, ...options.policy, breaker: { ...defaultRoutingPolicy.breaker, ...options.policy?.breaker } };
  const keys = new KeyStore(store, base.adminKeyHash, logger, base.changes);
  await keys.start(options.keyReloadMs ?? 10_000);
  // First what a crashed run left in the usage journal: a key's counters are rebuilt from the records, which must hold it.
  const usage = await UsageRecorder.open(
    store,
    logger,
    config.dataDir,
    options.usage ?? { flushIntervalMs: config.usageFlushMs, batchSize: 1_000 },
  );
  const counters = await createCounters(config);
  // Shared counters get this replica's own as a stand-in while Redis is unreachable (policy `open`).
  const fallback = config.redisUrl ? new MemoryCounters() : undefined;
  const metrics = new GatewayMetrics({ processMetrics: options.processMetrics ?? true });
  const limiter = new Limiter({
    counters,
    fallback,
    store,
    logger,
    registry: metrics.registry,
    settings: {
      completionTokensEstimate: config.completionTokensEstimate,
      rateLimitsOnRedisDown: config.rateLimitsOnRedisDown,
      budgetsOnRedisDown: config.budgetsOnRedisDown,
    },
  });
  const health = new TargetHealth(policy.breaker, logger);
  let closing: Promise<void> | undefined;
  return {
    keys,
    counters,
    limiter,
    usage,
    metrics,
    health,
    policy,
    close() {
      return (closing ??= (async () => {
        keys.stop();
        health.close();
        limiter.close();
        await usage.close();
        await counters.close();
        await fallback?.close();
      })());
    },
  };
}
