import type { Config } from '../../../src/config.js';
import type { RoutableDeployment } from '../../../src/gateway/deployment-registry.js';
import { createGatewayServices, type GatewayOptions } from '../../../src/gateway/gateway-services.js';
import { startApp, type TestApp } from '../../support/start-app.js';
import { TestRegistry } from './test-registry.js';

export interface GatewayHarness extends TestApp {
  registry: TestRegistry;
  /** Shuts down (if not yet), removes the data dir and closes the test registry's providers. */
  stop(): Promise<void>;
}

export interface HarnessOptions {
  deployments?: RoutableDeployment[];
  gateway?: GatewayOptions;
  config?: Partial<Config>;
}

/** The real app (`startApp`) over a test registry, with the gateway's parts built for tests (policy, flush interval, no process metrics). */
export async function startGateway(options: HarnessOptions = {}): Promise<GatewayHarness> {
  const registry = new TestRegistry(options.deployments);
  const server = await startApp({
    config: options.config,
    async services(base) {
      await base.gateway.close();
      const gateway = await createGatewayServices(
        { ...base, adminKeyHash: base.adminKey.hash },
        { processMetrics: false, keyReloadMs: 0, ...options.gateway },
      );
      return {
        ...base,
        deployments: registry,
        gateway,
        async close() {
          await gateway.close();
          await base.close();
        },
      };
    },
  });
  let stopped: Promise<void> | undefined;
  return {
    ...server,
    registry,
    stop: () =>
      (stopped ??= (async () => {
        await server.stop();
        await registry.close();
      })()),
  };
}
