import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import type { DeploymentState } from '../../src/deploy/deployment-record.js';
import { DeploymentManager } from '../../src/deploy/deployment-manager.js';
import type { DeploymentView } from '../../src/deploy/deployment-view.js';
import { storeModelCatalog } from '../../src/deploy/model-catalog.js';
import { SecretBox } from '../../src/deploy/secrets.js';
import { createTargetKinds } from '../../src/deploy/targets/index.js';
import type { Store } from '../../src/store/database.js';

export const processServerScript = path.resolve(import.meta.dirname, '../support/openai-process-server.mjs');

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'devup-deploy-'));
}

/** A manager over a real store and the real target kinds, as `devup serve` builds it. */
export function openManager(store: Store, dataDir: string, healthIntervalMs = 10_000): Promise<DeploymentManager> {
  const config = loadConfig({ PATH: process.env.PATH }, { dataDir });
  return DeploymentManager.open({
    store,
    kinds: createTargetKinds({ config }),
    secrets: SecretBox.fromConfig(config),
    dataDir,
    logger: pino({ level: 'silent' }),
    models: storeModelCatalog(store),
    healthIntervalMs,
  });
}

/** Creates a deployment as `POST /api/deployments` does: the body parsed with the route's schema, then the manager's create. */
export async function deploy(manager: DeploymentManager, body: unknown): Promise<DeploymentView> {
  return manager.create(manager.parseInput(body));
}

/** Polls the deployment until `predicate` holds (states change asynchronously). */
export async function waitForDeployment(
  manager: DeploymentManager,
  name: string,
  predicate: (view: DeploymentView) => boolean,
  timeoutMs = 20_000,
): Promise<DeploymentView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = manager.describe(name);
    if (predicate(view)) return view;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name}; now ${view.state}: ${view.reason ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls the event log until an event's `type message` matches. */
export async function waitForEvent(manager: DeploymentManager, name: string, pattern: RegExp, timeoutMs = 20_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = (await manager.events(name)).map((event) => `${event.type} ${event.message}`);
    if (events.some((event) => pattern.test(event))) return events;
    if (Date.now() > deadline) throw new Error(`timed out waiting for an event ${pattern} of ${name}; events:\n${events.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function inState(...states: DeploymentState[]) {
  return (view: DeploymentView) => states.includes(view.state);
}
