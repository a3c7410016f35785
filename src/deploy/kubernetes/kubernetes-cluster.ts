import { CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import type { Manifest } from './render-manifests.js';

const fieldManager = 'devup';

/**
 * The few Kubernetes API calls the `kubernetes` target makes: server-side apply of the rendered
 * manifests (idempotent, so a restarted gateway re-applies the same objects), listing the pods of
 * a deployment, and deleting what was applied.
 *
 * @example
 *   const cluster = KubernetesCluster.fromKubeconfigFile('/etc/devup/kubeconfig');
 *   await cluster.apply(manifests);
 */
export class KubernetesCluster {
  private readonly objects: KubernetesObjectApi;
  private readonly core: CoreV1Api;

  constructor(kubeconfig: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeconfig);
    this.core = kubeconfig.makeApiClient(CoreV1Api);
  }

  static fromKubeconfigFile(file: string): KubernetesCluster {
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(file);
    return new KubernetesCluster(kubeconfig);
  }

  /** Server-side applies every manifest, in order (claims and sets before the Service that fronts them). */
  async apply(manifests: Manifest[]): Promise<void> {
    for (const manifest of manifests) {
      await this.objects.patch(manifest as KubernetesObject, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
    }
  }

  /** Deletes in reverse order of apply; objects already gone are fine. */
  async delete(manifests: Manifest[]): Promise<void> {
    for (const manifest of [...manifests].reverse()) {
      try {
        await this.objects.delete(manifest as KubernetesObject, undefined, undefined, undefined, undefined, 'Foreground');
      } catch (error) {
        if ((error as { code?: number }).code !== 404) throw error;
      }
    }
  }

  async listPods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
    const list = await this.core.listNamespacedPod({ namespace, labelSelector });
    return list.items;
  }

  /** The last lines a pod's engine container wrote (previous run when it crashed), for failure reasons. */
  async logTail(namespace: string, pod: string, lines: number): Promise<string> {
    try {
      return await this.core.readNamespacedPodLog({ namespace, name: pod, container: 'engine', tailLines: lines });
    } catch {
      return '';
    }
  }
}
