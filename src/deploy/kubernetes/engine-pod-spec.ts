import type { V1PodSpec } from '@kubernetes/client-node';
import type { Plan } from '../planner/plan-types.js';
import type { EngineRecipe } from '../recipes/recipe-types.js';
import type { KubernetesOptions } from './kubernetes-options.js';

const cacheMount = '/root/.cache/huggingface';

/**
 * The pod of one engine process: the engine's argv, every GPU of the node, a memory-backed
 * /dev/shm (NCCL and the engines' shared tensors outgrow the default 64 MB), the model cache
 * volume, and probes on the engine's health path (a startup probe that waits up to an hour for
 * the weights to load, then readiness).
 *
 * @example enginePodSpec(plan, recipe, ['vllm', 'serve', …], { serves: true, cacheVolume: 'model-cache' }, options)
 */
export function enginePodSpec(
  plan: Plan,
  recipe: EngineRecipe,
  argv: string[],
  role: { serves: boolean; cacheClaim?: string },
  options: KubernetesOptions,
): V1PodSpec {
  const gpus = String(plan.gpusPerNode);
  const httpGet = { path: recipe.healthPath, port: recipe.port };
  return {
    ...(Object.keys(options.nodeSelector).length > 0 ? { nodeSelector: options.nodeSelector } : {}),
    containers: [
      {
        name: 'engine',
        image: options.image ?? recipe.image,
        command: [argv[0]],
        args: argv.slice(1),
        env: [
          ...Object.entries(recipe.env).map(([name, value]) => ({ name, value })),
          { name: 'HF_HOME', value: cacheMount },
          { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: options.huggingFaceSecret, key: 'token', optional: true } } },
        ],
        ports: role.serves ? [{ name: 'http', containerPort: recipe.port, protocol: 'TCP' }] : [],
        resources: { limits: { [plan.gpu.resource]: gpus }, requests: { [plan.gpu.resource]: gpus } },
        volumeMounts: [
          { name: 'dshm', mountPath: '/dev/shm' },
          { name: 'model-cache', mountPath: cacheMount },
        ],
        ...(role.serves
          ? {
              startupProbe: { httpGet, periodSeconds: 30, failureThreshold: 120 },
              readinessProbe: { httpGet, periodSeconds: 10, failureThreshold: 3 },
              livenessProbe: { httpGet, periodSeconds: 30, failureThreshold: 5 },
            }
          : {}),
      },
    ],
    volumes: [
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '32Gi' } },
      ...(role.cacheClaim ? [{ name: 'model-cache', persistentVolumeClaim: { claimName: role.cacheClaim } }] : []),
    ],
  };
}

/** Cache volume size: the weights plus a fifth for the download's temporary files, in whole GiB. */
export function cacheSize(plan: Plan): string {
  return `${Math.max(1, Math.ceil((plan.weightsBytes * 1.2) / 1024 ** 3))}Gi`;
}
