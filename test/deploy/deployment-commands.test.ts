import fs from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DeploymentManager } from '../../src/deploy/deployment-manager.js';
import type { DeploymentTarget } from '../../src/deploy/deployment-target.js';
import { SecretBox } from '../../src/deploy/secrets.js';
import type { Store } from '../../src/store/database.js';
import { dialects, openTestStore } from '../support/stores.js';
import { inState, tempDataDir, waitForDeployment } from './deploy-fixtures.js';

/**
 * A target kind that counts: every `parseSpec`, and every `start` with the signal that ends it.
 * A start refuses while `refusing` is set; otherwise it holds until its run ends (a slow engine).
 */
function countingTarget() {
  const counts = { parses: 0, starts: [] as Array<{ deployment: string; signal: AbortSignal }>, refusing: false };
  const target: DeploymentTarget<Record<string, unknown>> = {
    kind: 'counting',
    parseSpec(input) {
      counts.parses += 1;
      return input as Record<string, unknown>;
    },
    start(_spec, context) {
      counts.starts.push({ deployment: context.deploymentName, signal: context.signal });
      if (counts.refusing) return Promise.reject(new Error('refused on purpose'));
      return new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    },
  };
  /** Starts of `deployment` whose run has not been ended: more than one means it runs twice. */
  const live = (deployment: string) => counts.starts.filter((start) => start.deployment === deployment && !start.signal.aborted).length;
  return { target, counts, live };
}

describe.each(dialects)('deployment commands on one gateway (%s)', (dialect) => {
  let store: Store;
  let dataDir: string;
  let manager: DeploymentManager;
  const counting = countingTarget();

  beforeAll(async () => {
    store = await openTestStore(dialect);
    dataDir = tempDataDir();
    manager = await DeploymentManager.open({
      store,
      kinds: new Map([['counting', counting.target]]),
      secrets: SecretBox.fromConfig(loadConfig({}, { dataDir })),
      dataDir,
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await manager.close();
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const input = (name: string, start = true) => manager.parseInput({ name, start, targets: [{ kind: 'counting', spec: { name } }] });

  it("a create parses each target's spec once: its run starts from the parsed specs", async () => {
    const before = counting.counts.parses;
    const parsed = input('parsed-once');
    await manager.create(parsed);
    expect(counting.live('parsed-once')).toBe(1);
    expect(counting.counts.parses - before).toBe(1);
  });

  it('two concurrent starts of a stopped deployment launch it once', async () => {
    await manager.create(input('stopped-twice', false));
    expect(counting.live('stopped-twice')).toBe(0);
    await Promise.all([manager.start('stopped-twice'), manager.start('stopped-twice')]);
    expect(counting.live('stopped-twice')).toBe(1);
  });

  it('two concurrent starts of a failed deployment launch it once', async () => {
    counting.counts.refusing = true;
    await manager.create(input('failed-twice'));
    await waitForDeployment(manager, 'failed-twice', inState('failed'));
    counting.counts.refusing = false;
    await Promise.all([manager.start('failed-twice'), manager.start('failed-twice')]);
    expect(counting.live('failed-twice')).toBe(1);
    expect(manager.describe('failed-twice').state).toBe('provisioning');
  });

  it('a stop queued behind a start ends the run that start launched', async () => {
    await manager.create(input('start-stop', false));
    const [, stopped] = await Promise.all([manager.start('start-stop'), manager.stop('start-stop')]);
    expect(stopped.state).toBe('stopped');
    expect(counting.live('start-stop')).toBe(0);
  });
});
