import type { DeploymentRegistry, RoutableDeployment } from '../gateway/deployment-registry.js';

/**
 * The gateway's per-request view: a map swapped for a new one on every change (and its list
 * rebuilt), so a reader never sees a half-updated deployment and reads cost one `Map.get`.
 *
 * @example
 *   registry.set({ name: 'qwen', modelId: null, targets, fallbacks: [] });
 *   registry.get('qwen'); // the object just set, never mutated afterwards
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

  set(deployment: RoutableDeployment): void {
    const next = new Map(this.byName);
    next.set(deployment.name, deployment);
    this.replace(next);
  }

  remove(name: string): void {
    if (!this.byName.has(name)) return;
    const next = new Map(this.byName);
    next.delete(name);
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
