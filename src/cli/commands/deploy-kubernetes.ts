import path from 'node:path';
import { findArchitecture, readArchitectureFile } from '../../deploy/planner/architecture-source.js';
import { planDeployment } from '../../deploy/planner/plan-deployment.js';
import { readArchitecture } from '../../deploy/planner/read-architecture.js';
import { planOptionsSchema } from '../../deploy/planner/plan-request-schema.js';
import { renderManifests } from '../../deploy/kubernetes/render-manifests.js';
import { writeManifests } from '../../deploy/kubernetes/write-manifests.js';
import { toKubernetesName } from '../../deploy/kubernetes/kubernetes-options.js';
import { CliError } from '../cli-error.js';
import type { CommandOption } from '../command.js';

type Flags = Record<string, string | boolean | string[] | undefined>;

/** `devup deploy --target kubernetes` flags, spread into the deploy command's options. */
export const kubernetesDeployOptions: Record<string, CommandOption> = {
  gpu: {
    type: 'string',
    description: 'kubernetes (and process with hf:): GPU model of the nodes (h200, h100, b200, mi300x…; default h100)',
  },
  dtype: { type: 'string', description: 'kubernetes (and process with hf:): weights dtype (fp8, bf16, int4…; default the checkpoint’s)' },
  engine: { type: 'string', description: 'kubernetes (and process with hf:): vllm, sglang or llama-server (default vllm)' },
  context: {
    type: 'string',
    description:
      'Tokens per sequence: embedded (default what fits in free memory, up to the trained length); kubernetes/process plans (default the model’s, at most 32768)',
  },
  concurrency: { type: 'string', description: 'kubernetes: sequences that must fit at once (default 1)' },
  gpus: { type: 'string', description: 'kubernetes: pin the GPU count' },
  config: { type: 'string', description: 'kubernetes: plan from this config.json instead of the library' },
  namespace: { type: 'string', description: 'kubernetes: namespace (default "default")' },
  image: { type: 'string', description: 'kubernetes: engine image (default the engine’s official one)' },
  'storage-class': { type: 'string', description: 'kubernetes: storage class of the model cache volume' },
  kubeconfig: { type: 'string', description: 'kubernetes: kubeconfig the gateway applies with (without --out)' },
  kserve: { type: 'boolean', description: 'kubernetes --out: a KServe InferenceService instead of Deployment + Service (one node)' },
};

/**
 * `devup deploy MODEL --target kubernetes --out DIR`: plans the model offline and writes its
 * manifests, no gateway needed. Returns false without `--out` (the gateway applies them then).
 *
 * @example await deployKubernetesToDirectory({ model: 'deepseek-v3', name: 'deepseek-v3', flags: { out: './k8s', gpu: 'h100' } })
 */
export async function deployKubernetesToDirectory(input: {
  model: string | undefined;
  name: string;
  flags: Flags;
  architecture?: Record<string, unknown>;
}): Promise<boolean> {
  const { flags } = input;
  if (typeof flags.out !== 'string') return false;
  const configPath = flags.config as string | undefined;
  if (!input.model && !configPath) throw new CliError('give MODEL or --config PATH');
  const options = parsePlanFlags(flags);
  const spec = configPath
    ? readArchitectureFile(configPath)
    : input.architecture
      ? readArchitecture(input.architecture, `${input.model}'s spec in the library`)
      : await findArchitecture(input.model as string);
  const plan = planDeployment({
    ...options,
    spec,
    model: input.model ?? spec.repo ?? path.basename(configPath as string).replace(/\.(json|ya?ml)$/i, ''),
  });
  const manifests = renderManifests(
    plan,
    {
      name: toKubernetesName(input.name),
      ...(flags.namespace ? { namespace: flags.namespace as string } : {}),
      ...(flags.image ? { image: flags.image as string } : {}),
      ...(flags['storage-class'] ? { storageClass: flags['storage-class'] as string } : {}),
      kserve: flags.kserve === true,
    },
    { servedModelName: input.name },
  );
  const files = writeManifests(manifests, flags.out);
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ files, gpuCount: plan.gpuCount, nodes: plan.nodes, gpusPerNode: plan.gpusPerNode, engine: plan.engine }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(
      `${plan.model}: ${plan.gpuCount} × ${plan.gpu.id} (${plan.nodes} node${plan.nodes > 1 ? 's' : ''} × ${plan.gpusPerNode}), ${plan.engine}, ${plan.dtype}\n` +
        `${files.map((file) => `wrote ${file}`).join('\n')}\napply with: kubectl apply -f ${flags.out}\n`,
    );
  }
  return true;
}

/** The gateway-side spec of the `kubernetes` target, from the same flags. */
export function kubernetesSpecFromFlags(flags: Flags, problems: string[]): Record<string, unknown> {
  if (typeof flags.kubeconfig !== 'string') problems.push('--kubeconfig is required for --target kubernetes without --out');
  const numeric = (name: string) => (flags[name] === undefined ? undefined : Number(flags[name]));
  const spec = {
    kubeconfig: flags.kubeconfig,
    gpu: flags.gpu,
    dtype: flags.dtype,
    engine: flags.engine,
    context: numeric('context'),
    concurrency: numeric('concurrency'),
    gpus: numeric('gpus'),
    namespace: flags.namespace,
    image: flags.image,
    storageClass: flags['storage-class'],
  };
  return Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined));
}

function parsePlanFlags(flags: Flags) {
  const parsed = planOptionsSchema.omit({ config: true, model: true }).safeParse({
    gpu: flags.gpu,
    dtype: flags.dtype,
    engine: flags.engine,
    context: flags.context,
    concurrency: flags.concurrency,
    gpus: flags.gpus,
  });
  if (!parsed.success) throw new CliError(parsed.error.issues.map((issue) => `--${String(issue.path[0])}: ${issue.message}`).join('\n'));
  return parsed.data;
}
