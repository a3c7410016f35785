import type { DeploymentRegistry, RoutableDeployment } from '../gateway/deployment-registry.js';
import type { ManagedDeployment } from './managed-deployment.js';

/**
 * The gateway's per-request view of the deployments that can serve (ready or degraded, with a
 * run here): a map swapped for a new one on every change (and its list rebuilt), so a reader
 * never sees a half-updated deployment and reads cost one `Map.get`.
 *
 * @example
 *   registry.publish(managed); // ready: its view (a new object) is routable; otherwise withdrawn
 *   registry.get('qwen');      // that object, never mutated afterwards
 */
export class RoutableRegistry implements DeploymentRegistry {
  private byName = new Map<string, RoutableDeployment>();
  private all: RoutableDeployment[] = [];

  get(name: string): RoutableDeployment | undefined {
    return this.byName.get(name);
  }

  list(): RoutableDeployment[] {
    return this.all;
  }

  /** Publishes the deployment's view, or withdraws it when it cannot serve. */
  publish(managed: ManagedDeployment): void {
    const view = routableView(managed);
    if (!view) return this.withdraw(managed.record.name);
    const next = new Map(this.byName);
    next.set(view.name, view);
    this.replace(next);
  }

  withdraw(name: string): void {
    if (!this.byName.has(name)) return;
    const next = new Map(this.byName);
    next.delete(name);
    this.replace(next);
  }

  /** Rebuilds the whole view in one swap: a reload never leaves a deployment that still serves missing meanwhile. */
  publishAll(deployments: Iterable<ManagedDeployment>): void {
    const next = new Map<string, RoutableDeployment>();
    for (const managed of deployments) {
      const view = routableView(managed);
      if (view) next.set(view.name, view);
    }
    this.replace(next);
  }

  clear(): void {
    this.replace(new Map());
  }

  private replace(next: Map<string, RoutableDeployment>): void {
    this.byName = next;
    this.all = [...next.values()];
  }
}

function routableView({ record, run, pricing }: ManagedDeployment): RoutableDeployment | undefined {
  if (!run || (record.state !== 'ready' && record.state !== 'degraded')) return undefined;
  return {
    name: record.name,
    modelId: record.modelId,
    fallbacks: record.fallbacks,
    pricing,
    targets: run.routableTargets(record.modelId ?? record.name),
  };
}
