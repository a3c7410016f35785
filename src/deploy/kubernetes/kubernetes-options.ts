import { z } from 'zod';
import { DevupError } from '../../errors.js';

/** DNS-1123 label: what Kubernetes accepts as a Deployment, Service or LeaderWorkerSet name. */
export const kubernetesName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'lowercase letters, digits and dashes, starting and ending with a letter or digit')
  .max(52, 'at most 52 characters (pod names add suffixes)');

/**
 * How the manifests of a plan are rendered.
 *
 * @example kubernetesOptionsSchema.parse({ name: 'deepseek-v3', namespace: 'inference' })
 */
export const kubernetesOptionsSchema = z.object({
  name: kubernetesName,
  namespace: kubernetesName.default('default'),
  /** Engine image; default the recipe's. */
  image: z.string().min(1).optional(),
  /** Storage class of the model cache volume; default the cluster's. */
  storageClass: z.string().min(1).optional(),
  /** Secret with key `token` for gated Hugging Face repos (Llama); optional in the pod. */
  huggingFaceSecret: kubernetesName.default('hf-token'),
  /** Extra node labels the GPU nodes carry (e.g. `nvidia.com/gpu.product: NVIDIA-H200`). */
  nodeSelector: z.record(z.string(), z.string()).default({}),
  /** One node only: a KServe InferenceService (raw deployment, custom predictor) instead of Deployment + Service. */
  kserve: z.boolean().default(false),
});

export type KubernetesOptions = z.output<typeof kubernetesOptionsSchema>;
export type KubernetesOptionsInput = z.input<typeof kubernetesOptionsSchema>;

/** A deployment name as a DNS-1123 label (`DeepSeek_V3.Prod` → `deepseek-v3-prod`). */
export function toKubernetesName(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 52)
    .replace(/-+$/, '');
  if (!label)
    throw new DevupError('invalid_request', `'${name}' has no letters or digits to name Kubernetes objects with`, { param: 'name' });
  return label;
}
