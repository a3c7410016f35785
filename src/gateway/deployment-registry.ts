import type { Provider } from '../providers/provider.js';
import type { TargetTimeouts } from '../providers/target-timeouts.js';

/**
 * What the gateway needs of a deployment on the hot path, held in memory by the deployment
 * manager and replaced whole when a deployment changes (no database reads per request).
 */
export interface RoutableDeployment {
  name: string;
  modelId: string | null;
  targets: RoutableTarget[];
  /** Backup deployment names, tried in order when every target failed. */
  fallbacks: string[];
  /** Undefined means unpriced (usage records say so). */
  pricing?: Pricing;
}

/** USD per million tokens. */
export interface Pricing {
  inputPerMillion: number;
  outputPerMillion: number;
}

export interface RoutableTarget {
  id: string;
  kind: string;
  weight: number;
  /** The model name the upstream expects. */
  upstreamModel: string;
  provider: Provider;
  timeouts: TargetTimeouts;
}

/** Read side used by the gateway: ready deployments only. */
export interface DeploymentRegistry {
  get(name: string): RoutableDeployment | undefined;
  list(): RoutableDeployment[];
}
