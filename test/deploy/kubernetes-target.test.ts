import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TargetEvent } from '../../src/deploy/deployment-target.js';
import { defaultTimeouts } from '../../src/providers/target-timeouts.js';
import { kubernetesTarget } from '../../src/deploy/targets/kubernetes-target.js';
import { DevupError } from '../../src/errors.js';
import { fakePod, startFakeKubernetesApi } from './fake-kubernetes-api.js';
import { schemaErrors } from './kubernetes-support.js';

let api: Awaited<ReturnType<typeof startFakeKubernetesApi>>;
let directory: string;
let kubeconfig: string;

beforeEach(async () => {
  api = await startFakeKubernetesApi();
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-kube-'));
  kubeconfig = path.join(directory, 'kubeconfig');
  fs.writeFileSync(kubeconfig, api.kubeconfig('test-token'));
});

afterEach(async () => {
  await api.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

function targetContext(abort = new AbortController()) {
  const events: TargetEvent[] = [];
  return {
    events,
    abort,
    context: {
      deploymentName: 'deepseek',
      modelId: 'deepseek-v3',
      targetId: 't1',
      dataDir: directory,
      timeouts: defaultTimeouts,
      signal: abort.signal,
      emit: (event: TargetEvent) => events.push(event),
    },
  };
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('target kubernetes against a loopback Kubernetes API', () => {
  it('applies the manifests, follows the pod to ready, reports a crash and the recovery, deletes on stop', async () => {
    api.state.podScript = [
      [],
      [fakePod('deepseek', 'deepseek-0', 'unscheduled')],
      [fakePod('deepseek', 'deepseek-0', 'starting')],
      [fakePod('deepseek', 'deepseek-0', 'ready')],
    ];
    const { context, events } = targetContext();
    const spec = kubernetesTarget.parseSpec({ kubeconfig, gpu: 'h200', dtype: 'fp8', namespace: 'llm', pollIntervalMs: 20 });
    const running = await kubernetesTarget.start(spec, context);

    const applied = api.requests.filter((request) => request.method === 'PATCH');
    expect(applied.map((request) => request.path)).toEqual([
      '/api/v1/namespaces/llm/persistentvolumeclaims/deepseek-model-cache',
      '/apis/apps/v1/namespaces/llm/deployments/deepseek',
      '/api/v1/namespaces/llm/services/deepseek',
    ]);
    for (const request of applied) {
      expect(request.contentType).toContain('application/apply-patch+yaml');
      expect(request.query.get('fieldManager')).toBe('devup');
      expect(request.query.get('force')).toBe('true');
      expect(request.authorization).toBe('Bearer test-token');
      expect(schemaErrors(request.body as object)).toEqual([]);
    }
    expect(events.map((event) => ('state' in event ? `${event.state}: ${event.message}` : event.type))).toEqual([
      expect.stringMatching(
        /^provisioning: applied PersistentVolumeClaim\/deepseek, Deployment\/deepseek, Service\/deepseek in llm: 8 × h200/,
      ),
      'provisioning: 0 of 1 pods created',
      'provisioning: deepseek-0 not scheduled: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
      'loading: 0 of 1 pods ready',
    ]);
    expect(running.address).toBe('http://deepseek.llm.svc.cluster.local:8000/v1');
    expect(running.upstreamModel).toBe('deepseek');

    api.state.podScript = [[fakePod('deepseek', 'deepseek-0', 'crashing')]];
    api.state.listCalls = 0;
    await waitFor(() => events.some((event) => event.type === 'failed'), 'the failed event');
    expect(events.find((event) => event.type === 'failed')).toMatchObject({ message: expect.stringContaining('CrashLoopBackOff') });
    api.state.podScript = [[fakePod('deepseek', 'deepseek-0', 'ready')]];
    await waitFor(() => events.some((event) => event.type === 'recovered'), 'the recovered event');

    await running.stop();
    expect(api.requests.filter((request) => request.method === 'DELETE').map((request) => request.path)).toEqual([
      '/api/v1/namespaces/llm/services/deepseek',
      '/apis/apps/v1/namespaces/llm/deployments/deepseek',
      '/api/v1/namespaces/llm/persistentvolumeclaims/deepseek-model-cache',
    ]);
    expect(api.objects.size).toBe(0);
  });

  it('fails a LeaderWorkerSet whose worker cannot pull its image, with the reason and log lines, and cleans up', async () => {
    api.state.podScript = [[fakePod('deepseek', 'deepseek-0', 'starting'), fakePod('deepseek', 'deepseek-0-1', 'bad-image')]];
    api.state.logs['deepseek-0-1'] = 'pulling image\nerror: manifest unknown';
    const { context } = targetContext();
    const spec = kubernetesTarget.parseSpec({ kubeconfig, gpu: 'h100', dtype: 'fp8', engine: 'sglang', pollIntervalMs: 20 });
    const failure = await kubernetesTarget.start(spec, context).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain('deepseek-0-1: engine ImagePullBackOff: Back-off pulling image');
    expect((failure as Error).message).toContain('error: manifest unknown');
    const applied = api.requests.filter((request) => request.method === 'PATCH');
    expect(applied.map((request) => request.path)).toEqual([
      '/apis/leaderworkerset.x-k8s.io/v1/namespaces/default/leaderworkersets/deepseek',
      '/api/v1/namespaces/default/services/deepseek',
    ]);
    for (const request of applied) expect(schemaErrors(request.body as object)).toEqual([]);
    expect(api.objects.size).toBe(0);
  });

  it('stops starting when the deployment is deleted, and refuses a plan that cannot fit', async () => {
    api.state.podScript = [[fakePod('deepseek', 'deepseek-0', 'starting')]];
    const { context, abort } = targetContext();
    const starting = kubernetesTarget.start(kubernetesTarget.parseSpec({ kubeconfig, gpu: 'h200', pollIntervalMs: 20 }), context);
    await waitFor(() => api.state.listCalls > 1, 'the pods to be read');
    abort.abort();
    await expect(starting).rejects.toThrow('stopped while starting');
    expect(api.objects.size).toBe(0);

    const tooSmall = kubernetesTarget.parseSpec({ kubeconfig, gpu: 'rtx-4090', gpus: 4 });
    await expect(kubernetesTarget.start(tooSmall, targetContext().context)).rejects.toThrow(DevupError);
    expect(() => kubernetesTarget.parseSpec({ gpu: 'h200', namespace: 'Bad_NS' })).toThrow(/kubeconfig.*namespace|namespace.*kubeconfig/s);
  });
});
