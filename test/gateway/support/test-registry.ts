import type { DeploymentRegistry, RoutableDeployment } from '../../../src/gateway/deployment-registry.js';

/**
 * A DeploymentRegistry held by the test itself: real providers pointed at real test peers, so the
 * gateway's routing can be driven target by target. A test seam, not a product feature (the
 * product's registry is the DeploymentManager).
 */
export class TestRegistry implements DeploymentRegistry {
  private readonly deployments = new Map<string, RoutableDeployment>();

  constructor(deployments: RoutableDeployment[] = []) {
    for (const deployment of deployments) this.set(deployment);
  }

  set(deployment: RoutableDeployment): void {
    this.deployments.set(deployment.name, deployment);
  }

  get(name: string): RoutableDeployment | undefined {
    return this.deployments.get(name);
  }

  list(): RoutableDeployment[] {
    return [...this.deployments.values()];
  }

  async close(): Promise<void> {
    for (const deployment of this.deployments.values()) for (const target of deployment.targets) await target.provider.close();
  }
}
