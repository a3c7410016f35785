import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningTarget, TargetEvent } from '../../../src/deploy/deployment-target.js';
import { type RoutableDeployment } from '../../../src/gateway/deployment-registry.js';
import { defaultTimeouts } from '../../../src/providers/target-timeouts.js';
import { createEmbeddedTarget } from '../../../src/deploy/targets/embedded-target.js';

export interface StartedEmbedded {
  deployment: RoutableDeployment;
  running: RunningTarget;
  events: TargetEvent[];
  stop(): Promise<void>;
}

/** Starts the real `embedded` target on a spec and wraps it as a routable deployment named `name`. */
export async function startEmbedded(name: string, spec: Record<string, unknown>): Promise<StartedEmbedded> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-embedded-'));
  const target = createEmbeddedTarget({ config: { dataDir, engineThreads: 1 } });
  const events: TargetEvent[] = [];
  const running = await target.start(target.parseSpec(spec), {
    deploymentName: name,
    targetId: `${name}-1`,
    dataDir,
    timeouts: defaultTimeouts,
    emit: (event) => events.push(event),
    signal: new AbortController().signal,
  });
  const deployment: RoutableDeployment = {
    name,
    modelId: null,
    fallbacks: [],
    targets: [{ id: `${name}-1`, kind: 'embedded', weight: 1, upstreamModel: name, provider: running.provider, timeouts: defaultTimeouts }],
  };
  return {
    deployment,
    running,
    events,
    async stop() {
      await running.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
