import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { DeploymentRecord } from '../../src/deploy/deployment-record.js';
import { DeploymentRun } from '../../src/deploy/deployment-run.js';
import type { DeploymentTarget, RunningTarget } from '../../src/deploy/deployment-target.js';
import { SecretBox } from '../../src/deploy/secrets.js';
import { tempDataDir } from './deploy-fixtures.js';

/** A target that takes `startMs` to come up whatever the signal says (re-attaching to a process), and records its stop. */
function slowTarget(startMs: number) {
  const stops: number[] = [];
  const target: DeploymentTarget<unknown> = {
    kind: 'slow',
    parseSpec: (input) => input,
    async start(): Promise<RunningTarget> {
      await new Promise((resolve) => setTimeout(resolve, startMs));
      return {
        provider: {
          kind: 'slow',
          call: () => Promise.reject(new Error('unused')),
          health: async () => undefined,
          close: async () => undefined,
        },
        stop: async () => {
          stops.push(performance.now());
        },
      };
    },
  };
  return { target, stops };
}

describe('a deployment run', () => {
  it('ends only once the starts in flight have stopped what they started', async () => {
    const dataDir = tempDataDir();
    try {
      const slow = slowTarget(150);
      const record: DeploymentRecord = {
        id: 'd1',
        name: 'slow',
        modelId: null,
        desiredState: 'running',
        state: 'pending',
        reason: null,
        fallbacks: [],
        settings: {},
        createdAt: 0,
        updatedAt: 0,
        targets: [{ id: 't1', kind: 'slow', weight: 1, position: 0, spec: {}, encryptedSecret: null, encryptedSpecSecrets: null }],
      };
      const run = new DeploymentRun({
        record,
        kinds: new Map([['slow', slow.target]]),
        secrets: SecretBox.fromConfig(loadConfig({}, { dataDir })),
        dataDir,
        healthIntervalMs: 60_000,
        reporter: { state: () => undefined, event: () => undefined, targetsChanged: () => undefined },
      });
      const started = run.start();
      await run.end('stop');
      // A next run may start as soon as end() resolves: the old start must not stop anything after that.
      const endedAt = performance.now();
      expect(slow.stops).toHaveLength(1);
      expect(slow.stops[0]).toBeLessThanOrEqual(endedAt);
      await started;
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
