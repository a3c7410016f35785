import { z } from 'zod';
import { DevupError } from '../../errors.js';
import { createOpenAICompatibleProvider } from '../../providers/openai-compatible/openai-compatible-provider.js';
import { parseOrThrow } from '../../validation.js';
import type { DeploymentTarget, TargetContext } from '../deployment-target.js';
import { definedFields, splitUrl } from '../spec-secrets.js';
import type { KubernetesCluster } from '../kubernetes/kubernetes-cluster.js';
import { kubernetesName, toKubernetesName } from '../kubernetes/kubernetes-options.js';
import { summarizePods, type PodSummary } from '../kubernetes/pod-summary.js';
import { renderManifests } from '../kubernetes/render-manifests.js';
import { findArchitecture } from '../planner/architecture-source.js';
import { planDeployment } from '../planner/plan-deployment.js';
import { planOptionsSchema } from '../planner/plan-request-schema.js';
import { readArchitecture } from '../planner/read-architecture.js';
import type { Plan } from '../planner/plan-types.js';

const specSchema = planOptionsSchema.extend({
  /** Kubeconfig file the gateway applies with. */
  kubeconfig: z.string().min(1),
  /** Object names; default the deployment name made DNS-safe. */
  name: kubernetesName.optional(),
  namespace: kubernetesName.default('default'),
  image: z.string().min(1).optional(),
  storageClass: z.string().min(1).optional(),
  /** Where the gateway reaches the Service (with `/v1`); default its cluster DNS name. */
  baseUrl: z.string().url().optional(),
  pollIntervalMs: z.number().int().positive().default(5_000),
  startupTimeoutSeconds: z.number().int().positive().default(3_600),
});

export type KubernetesTargetSpec = z.output<typeof specSchema>;

/**
 * Target `kubernetes`: plans the model, applies its manifests (Deployment + Service, or a
 * LeaderWorkerSet across nodes) through the Kubernetes API with the given kubeconfig, follows the
 * pods (scheduled → loading → ready) into the deployment's events, serves through the Service,
 * keeps watching the pods afterwards and deletes the objects on stop.
 *
 * @example { "kind": "kubernetes", "spec": { "kubeconfig": "/etc/devup/kubeconfig", "gpu": "h100", "dtype": "fp8", "engine": "sglang" } }
 */
export const kubernetesTarget: DeploymentTarget<KubernetesTargetSpec> = {
  kind: 'kubernetes',
  parseSpec: (input) => parseOrThrow(specSchema, input, 'kubernetes spec'),
  splitSecrets(spec) {
    if (spec.baseUrl === undefined) return { spec, secrets: {} };
    const baseUrl = splitUrl(spec.baseUrl);
    return { spec: { ...spec, baseUrl: baseUrl.shown }, secrets: definedFields({ baseUrl: baseUrl.secret }) };
  },
  async start(spec, context) {
    const plan = await planFor(spec, context);
    const name = spec.name ?? toKubernetesName(context.deploymentName);
    const manifests = renderManifests(
      plan,
      { name, namespace: spec.namespace, image: spec.image, storageClass: spec.storageClass },
      { servedModelName: context.deploymentName },
    );
    const port = Number(
      (manifests.find((manifest) => manifest.kind === 'Service') as { spec: { ports: Array<{ port: number }> } }).spec.ports[0].port,
    );
    // Loaded on first use: @kubernetes/client-node holds ~70 MiB that gateways without a cluster never need.
    const { KubernetesCluster } = await import('../kubernetes/kubernetes-cluster.js');
    const cluster = KubernetesCluster.fromKubeconfigFile(spec.kubeconfig);
    await cluster.apply(manifests);
    context.emit({
      type: 'state',
      state: 'provisioning',
      message: `applied ${manifests.map((manifest) => `${manifest.kind}/${name}`).join(', ')} in ${spec.namespace}: ${plan.gpuCount} × ${plan.gpu.id} (${plan.nodes} × ${plan.gpusPerNode})`,
    });
    const selector = `app.kubernetes.io/name=${name}`;
    const readPods = async () => summarizePods(await cluster.listPods(spec.namespace, selector), plan.nodes);
    try {
      await waitUntilReady(readPods, spec, context);
    } catch (error) {
      const tail = await failureLogs(cluster, spec.namespace, selector);
      await cluster.delete(manifests).catch(() => undefined);
      throw new Error(`${(error as Error).message}${tail}`);
    }
    const baseUrl = spec.baseUrl ?? `http://${name}.${spec.namespace}.svc.cluster.local:${port}/v1`;
    const provider = createOpenAICompatibleProvider({ baseUrl, timeouts: context.timeouts });
    const monitor = watchPods(readPods, spec.pollIntervalMs, context);
    return {
      provider,
      address: splitUrl(baseUrl).shown,
      upstreamModel: context.deploymentName,
      async stop() {
        monitor.stop();
        await provider.close();
        await cluster.delete(manifests);
      },
    };
  },
};

async function planFor(spec: KubernetesTargetSpec, context: TargetContext): Promise<Plan> {
  const model = spec.model ?? context.modelId;
  if (!spec.config && !model)
    throw new DevupError('invalid_request', 'The kubernetes target needs the deployment’s model or spec.config', { param: 'model' });
  const architecture = spec.config ? readArchitecture(spec.config, 'spec.config') : await findArchitecture(model as string);
  const plan = planDeployment({ ...spec, spec: architecture, model: model ?? architecture.family });
  if (!plan.fits) throw new DevupError('invalid_request', `The plan does not fit: ${plan.shortfall?.message}`, { param: 'gpu' });
  return plan;
}

async function waitUntilReady(readPods: () => Promise<PodSummary>, spec: KubernetesTargetSpec, context: TargetContext): Promise<void> {
  const deadline = Date.now() + spec.startupTimeoutSeconds * 1000;
  let last = '';
  for (;;) {
    if (context.signal.aborted) throw new Error('stopped while starting');
    const summary = await readPods();
    if (summary.message !== last) {
      last = summary.message;
      if (summary.state === 'provisioning' || summary.state === 'loading')
        context.emit({ type: 'state', state: summary.state, message: summary.message });
    }
    if (summary.state === 'ready') return;
    if (summary.state === 'failed') throw new Error(summary.message);
    if (Date.now() > deadline) throw new Error(`not ready after ${spec.startupTimeoutSeconds} s: ${summary.message}`);
    await sleep(spec.pollIntervalMs, context.signal);
  }
}

/** Keeps reading the pods after ready: a pod lost or crashing marks the target failed, ready again recovers it. */
function watchPods(readPods: () => Promise<PodSummary>, intervalMs: number, context: TargetContext): { stop(): void } {
  let healthy = true;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const summary = await readPods();
      if (healthy && summary.state !== 'ready') context.emit({ type: 'failed', message: summary.message });
      if (!healthy && summary.state === 'ready') context.emit({ type: 'recovered', message: summary.message });
      healthy = summary.state === 'ready';
    } catch (error) {
      if (healthy) context.emit({ type: 'failed', message: `cannot read pods: ${(error as Error).message}` });
      healthy = false;
    }
    if (!stopped) timer = setTimeout(tick, intervalMs).unref();
  };
  timer = setTimeout(tick, intervalMs).unref();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

async function failureLogs(cluster: KubernetesCluster, namespace: string, selector: string): Promise<string> {
  const pods = await cluster.listPods(namespace, selector).catch(() => []);
  const failing = pods.find((pod) =>
    pod.status?.containerStatuses?.some((container) => container.state?.waiting || container.lastState?.terminated),
  );
  if (!failing?.metadata?.name) return '';
  const tail = (await cluster.logTail(namespace, failing.metadata.name, 20)).trim();
  return tail ? `\n--- last log lines of ${failing.metadata.name} ---\n${tail}` : '';
}

function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, milliseconds);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
