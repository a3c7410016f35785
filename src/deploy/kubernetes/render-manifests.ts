import type { V1Deployment, V1PersistentVolumeClaim, V1PodSpec, V1Service } from '@kubernetes/client-node';
import { DevupError } from '../../errors.js';
import { parseOrThrow } from '../../validation.js';
import type { Plan } from '../planner/plan-types.js';
import { recipeBuilders, recipeFor, resolveOptions } from '../recipes/recipe-for.js';
import type { NodeSlot, RecipeOptions } from '../recipes/recipe-types.js';
import { cacheSize, enginePodSpec } from './engine-pod-spec.js';
import { kubernetesOptionsSchema, type KubernetesOptionsInput } from './kubernetes-options.js';

/** A LeaderWorkerSet (leaderworkerset.x-k8s.io/v1): one group of `size` pods, the leader first. */
export interface LeaderWorkerSet {
  apiVersion: 'leaderworkerset.x-k8s.io/v1';
  kind: 'LeaderWorkerSet';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

/** A KServe InferenceService (serving.kserve.io/v1beta1) with a custom predictor container. */
export interface InferenceService {
  apiVersion: 'serving.kserve.io/v1beta1';
  kind: 'InferenceService';
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: { predictor: Record<string, unknown> };
}

export type Manifest = V1Deployment | V1Service | V1PersistentVolumeClaim | LeaderWorkerSet | InferenceService;

/** LWS injects these into every pod of a group; the kubelet expands `$(NAME)` in command and args. */
const lwsSlot = (role: NodeSlot['role']): NodeSlot => ({
  role,
  rank: '$(LWS_WORKER_INDEX)',
  leaderAddress: '$(LWS_LEADER_ADDRESS)',
  groupSize: '$(LWS_GROUP_SIZE)',
});

/**
 * Manifests that run a plan: on one node a model-cache PersistentVolumeClaim, a Deployment and a
 * Service (or, with `kserve`, a KServe InferenceService); on several nodes (vLLM, SGLang) a LeaderWorkerSet whose leader and workers get the
 * engine flags wired to the group (leader address, group size, worker index) and a Service on the
 * leader. Every pod takes all GPUs of its node.
 *
 * @example renderManifests(planDeployment({ spec, model: 'deepseek-v3', gpu: 'h100', dtype: 'fp8' }), { name: 'deepseek-v3' }).map((m) => m.kind) // ['LeaderWorkerSet', 'Service']
 */
export function renderManifests(plan: Plan, input: KubernetesOptionsInput, recipeOptions: RecipeOptions = {}): Manifest[] {
  const options = parseOrThrow(kubernetesOptionsSchema, input, 'Kubernetes options');
  if (!plan.fits)
    throw new DevupError('invalid_request', `The plan does not fit: ${plan.shortfall?.message ?? 'not enough memory'}`, { param: 'gpu' });
  if (plan.engine === 'ollama')
    throw new DevupError('invalid_request', 'Kubernetes manifests are rendered for vllm, sglang and llama-server', { param: 'engine' });
  if (plan.nodes > 1 && options.kserve)
    throw new DevupError('invalid_request', `KServe manifests are rendered for one node; this plan needs ${plan.nodes}`, {
      param: 'kserve',
    });
  if (plan.nodes > 1 && plan.engine === 'llama-server') {
    throw new DevupError(
      'invalid_request',
      'Multi-node Kubernetes manifests need vllm or sglang (llama.cpp RPC workers are not wired into a LeaderWorkerSet)',
      { param: 'engine' },
    );
  }
  // In a pod the engine must listen on the pod's address for its Service to reach it.
  const podOptions = { ...recipeOptions, host: recipeOptions.host ?? '0.0.0.0' };
  const recipe = recipeFor(plan, podOptions);
  const builder = recipeBuilders[plan.engine];
  const resolved = resolveOptions(plan, podOptions, builder);
  const labels = {
    'app.kubernetes.io/name': options.name,
    'app.kubernetes.io/component': 'inference',
    'app.kubernetes.io/managed-by': 'devup',
  };
  const metadata = (name: string) => ({ name, namespace: options.namespace, labels });
  const service = (selector: Record<string, string>): V1Service => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(options.name),
    spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: recipe.port, targetPort: recipe.port, protocol: 'TCP' }] },
  });

  if (plan.nodes === 1) {
    const claimName = `${options.name}-model-cache`;
    const podSpec = enginePodSpec(plan, recipe, recipe.nodes[0].argv, { serves: true, cacheClaim: claimName }, options);
    const selector = { 'app.kubernetes.io/name': options.name };
    const claim: V1PersistentVolumeClaim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: metadata(claimName),
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: cacheSize(plan) } },
        ...(options.storageClass ? { storageClassName: options.storageClass } : {}),
      },
    };
    if (options.kserve)
      return [
        claim,
        inferenceService(podSpec, { ...metadata(options.name), annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' } }),
      ];
    return [
      claim,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: metadata(options.name),
        // Recreate: a second pod would wait for GPUs the first still holds.
        spec: {
          replicas: 1,
          strategy: { type: 'Recreate' },
          selector: { matchLabels: selector },
          template: { metadata: { labels }, spec: podSpec },
        },
      },
      service(selector),
    ];
  }

  const podTemplate = (role: NodeSlot['role']): { metadata: { labels: Record<string, string> }; spec: V1PodSpec } => ({
    metadata: { labels: { ...labels, role } },
    spec: enginePodSpec(plan, recipe, builder.argv(plan, lwsSlot(role), resolved), { serves: role === 'leader' }, options),
  });
  const leaderWorkerSet: LeaderWorkerSet = {
    apiVersion: 'leaderworkerset.x-k8s.io/v1',
    kind: 'LeaderWorkerSet',
    metadata: metadata(options.name),
    spec: {
      replicas: 1,
      startupPolicy: 'LeaderCreated',
      leaderWorkerTemplate: {
        size: plan.nodes,
        // One engine spans the group: a lost pod means the whole group restarts together.
        restartPolicy: 'RecreateGroupOnPodRestart',
        leaderTemplate: podTemplate('leader'),
        workerTemplate: podTemplate('worker'),
        volumeClaimTemplates: [
          {
            metadata: { name: 'model-cache' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: cacheSize(plan) } },
              ...(options.storageClass ? { storageClassName: options.storageClass } : {}),
            },
          },
        ],
      },
    },
  };
  return [leaderWorkerSet, service({ 'leaderworkerset.sigs.k8s.io/name': options.name, role: 'leader' })];
}

/** KServe runs a custom predictor from the pod fields inlined in `predictor`; its container must be `kserve-container`. */
function inferenceService(podSpec: V1PodSpec, metadata: InferenceService['metadata']): InferenceService {
  const [container] = podSpec.containers;
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata,
    spec: { predictor: { minReplicas: 1, maxReplicas: 1, ...podSpec, containers: [{ ...container, name: 'kserve-container' }] } },
  };
}
