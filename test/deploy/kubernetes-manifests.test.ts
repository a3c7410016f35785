import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { findArchitecture } from '../../src/deploy/planner/architecture-source.js';
import { planDeployment } from '../../src/deploy/planner/plan-deployment.js';
import type { PlanRequest } from '../../src/deploy/planner/plan-types.js';
import { renderManifests, type LeaderWorkerSet } from '../../src/deploy/kubernetes/render-manifests.js';
import { writeManifests } from '../../src/deploy/kubernetes/write-manifests.js';
import { DevupError } from '../../src/errors.js';
import { schemaErrors } from './kubernetes-support.js';

const temporaryDirs: string[] = [];
afterEach(() => {
  for (const directory of temporaryDirs.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
});

async function plan(model: string, request: Omit<PlanRequest, 'spec' | 'model'>) {
  return planDeployment({ spec: await findArchitecture(model), model, ...request });
}

describe('Kubernetes manifests', () => {
  it('self-checks: the schemas reject a misspelt field, a wrong type and a missing container image field', () => {
    const bad = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: 'one', selector: { matchLabels: {} }, template: { spec: { containers: [{ nam: 'x' }] } } },
    };
    const errors = schemaErrors(bad).join('\n');
    expect(errors).toContain('/spec/replicas');
    expect(errors).toContain('must NOT have additional properties {"additionalProperty":"nam"}');
    expect(errors).toContain("must have required property 'name'");
    expect(
      schemaErrors({
        apiVersion: 'leaderworkerset.x-k8s.io/v1',
        kind: 'LeaderWorkerSet',
        metadata: {},
        spec: { leaderWorkerTemplate: { size: 2, workerTemplat: {} } },
      }),
    ).not.toEqual([]);
  });

  it('one node: a model-cache claim, a Deployment with every GPU and a Service, all valid', async () => {
    const manifests = renderManifests(await plan('deepseek-v3', { gpu: 'h200', dtype: 'fp8' }), {
      name: 'deepseek-v3',
      namespace: 'inference',
    });
    expect(manifests.map((manifest) => manifest.kind)).toEqual(['PersistentVolumeClaim', 'Deployment', 'Service']);
    for (const manifest of manifests) expect(schemaErrors(manifest)).toEqual([]);
    const deployment = manifests[1] as import('@kubernetes/client-node').V1Deployment;
    const container = deployment.spec!.template.spec!.containers[0];
    expect(container.command).toEqual(['vllm']);
    expect(container.args).toEqual(
      expect.arrayContaining(['serve', 'deepseek-ai/DeepSeek-V3', '--tensor-parallel-size', '8', '--trust-remote-code']),
    );
    // The Service reaches the engine on the pod's address, so in a pod it listens on every interface.
    expect(container.args?.[container.args.indexOf('--host') + 1]).toBe('0.0.0.0');
    expect(container.resources?.limits).toEqual({ 'nvidia.com/gpu': '8' });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/health', port: 8000 });
    expect(deployment.spec!.template.spec!.volumes).toEqual(
      expect.arrayContaining([{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '32Gi' } }]),
    );
    // 688.6 GB of weights plus a fifth, in GiB.
    expect((manifests[0] as import('@kubernetes/client-node').V1PersistentVolumeClaim).spec!.resources!.requests!.storage).toBe(
      `${Math.ceil((688_574_778_944 * 1.2) / 1024 ** 3)}Gi`,
    );
  });

  it('two nodes of vLLM: a LeaderWorkerSet whose pods join the leader’s Ray cluster', async () => {
    const manifests = renderManifests(await plan('deepseek-v3', { gpu: 'h100', dtype: 'fp8' }), { name: 'deepseek-v3' });
    expect(manifests.map((manifest) => manifest.kind)).toEqual(['LeaderWorkerSet', 'Service']);
    for (const manifest of manifests) expect(schemaErrors(manifest)).toEqual([]);
    const template = (manifests[0] as LeaderWorkerSet).spec.leaderWorkerTemplate as Record<string, any>;
    expect(template.size).toBe(2);
    const leader = template.leaderTemplate.spec.containers[0];
    const worker = template.workerTemplate.spec.containers[0];
    expect(leader.args[1]).toContain(
      '--tensor-parallel-size 8 --pipeline-parallel-size $(LWS_GROUP_SIZE) --distributed-executor-backend ray',
    );
    expect(worker.args).toEqual(['-c', 'ray start --address=$(LWS_LEADER_ADDRESS):6379 --block']);
    expect(worker.readinessProbe).toBeUndefined();
    expect((manifests[1] as import('@kubernetes/client-node').V1Service).spec!.selector).toEqual({
      'leaderworkerset.sigs.k8s.io/name': 'deepseek-v3',
      role: 'leader',
    });
  });

  it('two nodes of SGLang: leader address, group size and worker index wired into the flags', async () => {
    const manifests = renderManifests(await plan('deepseek-v3', { gpu: 'h100', dtype: 'fp8', engine: 'sglang' }), {
      name: 'dsv3-sglang',
      storageClass: 'fast-nvme',
    });
    for (const manifest of manifests) expect(schemaErrors(manifest)).toEqual([]);
    const template = (manifests[0] as LeaderWorkerSet).spec.leaderWorkerTemplate as Record<string, any>;
    for (const role of ['leaderTemplate', 'workerTemplate']) {
      const args = template[role].spec.containers[0].args.join(' ');
      expect(args).toContain(
        '--tp 16 --ep-size 16 --dist-init-addr $(LWS_LEADER_ADDRESS):5000 --nnodes $(LWS_GROUP_SIZE) --node-rank $(LWS_WORKER_INDEX)',
      );
      expect(template[role].spec.containers[0].resources.limits).toEqual({ 'nvidia.com/gpu': '8' });
    }
    expect(template.volumeClaimTemplates[0].spec.storageClassName).toBe('fast-nvme');
  });

  it('BF16 on 4 × 8 H100, llama-server on one node and MI300X resources all validate', async () => {
    const cases = [
      await plan('deepseek-v3', { gpu: 'h100', dtype: 'bf16' }),
      await plan('qwen2.5-72b-instruct', { gpu: 'l40s', dtype: 'q4_k_m', context: 8192 }),
      await plan('llama-3.1-405b-instruct', { gpu: 'mi300x', dtype: 'fp8', engine: 'sglang' }),
    ];
    for (const item of cases) {
      for (const manifest of renderManifests(item, { name: 'case' })) expect(schemaErrors(manifest)).toEqual([]);
    }
    expect(JSON.stringify(renderManifests(cases[2], { name: 'case' }))).toContain(`"amd.com/gpu":"${cases[2].gpusPerNode}"`);
  });

  it('one node as a KServe InferenceService: a custom predictor with the engine container, valid', async () => {
    const manifests = renderManifests(await plan('qwen2.5-72b-instruct', { gpu: 'h100', dtype: 'bf16' }), { name: 'qwen', kserve: true });
    expect(manifests.map((manifest) => manifest.kind)).toEqual(['PersistentVolumeClaim', 'InferenceService']);
    for (const manifest of manifests) expect(schemaErrors(manifest)).toEqual([]);
    const predictor = (manifests[1] as import('../../src/deploy/kubernetes/render-manifests.js').InferenceService).spec.predictor as Record<
      string,
      any
    >;
    expect(predictor.containers[0]).toMatchObject({
      name: 'kserve-container',
      command: ['vllm'],
      resources: { limits: { 'nvidia.com/gpu': '4' } },
    });
    expect(predictor.volumes.map((volume: { name: string }) => volume.name)).toEqual(['dshm', 'model-cache']);
    const multiNode = await plan('deepseek-v3', { gpu: 'h100', dtype: 'fp8' });
    expect(() => renderManifests(multiNode, { name: 'x', kserve: true })).toThrow(/one node/);
  });

  it('writes YAML files that parse back into the same valid manifests', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-k8s-'));
    temporaryDirs.push(directory);
    const manifests = renderManifests(await plan('deepseek-v3', { gpu: 'h100', dtype: 'fp8' }), { name: 'deepseek-v3' });
    const files = writeManifests(manifests, path.join(directory, 'out'));
    expect(files.map((file) => path.basename(file))).toEqual(['01-leaderworkerset.yaml', '02-service.yaml']);
    for (const [index, file] of files.entries()) {
      const parsed = YAML.parse(fs.readFileSync(file, 'utf8'));
      expect(parsed).toEqual(JSON.parse(JSON.stringify(manifests[index])));
      expect(schemaErrors(parsed)).toEqual([]);
    }
  });

  it('refuses bad names, plans that do not fit, and engines it cannot lay out', async () => {
    const fitting = await plan('deepseek-v3', { gpu: 'h200', dtype: 'fp8' });
    expect(() => renderManifests(fitting, { name: 'Deep_Seek' })).toThrow(DevupError);
    const tooSmall = await plan('deepseek-v3', { gpu: 'h100', dtype: 'fp8', gpus: 8 });
    expect(() => renderManifests(tooSmall, { name: 'x' })).toThrow(/does not fit/);
    const ollama = await plan('qwen2.5-72b', { gpu: 'h100', dtype: 'q4_k_m', engine: 'ollama' });
    expect(() => renderManifests(ollama, { name: 'x' })).toThrow(/vllm, sglang and llama-server/);
  });
});
