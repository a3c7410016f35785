import type { Config } from '../../config.js';
import { HubClient } from '../../library/hub/hub-client.js';
import type { ModelImport } from '../../library/model-input.js';
import type { TargetKinds } from '../deployment-input.js';
import type { DeploymentTarget } from '../deployment-target.js';
import { createEmbeddedTarget } from './embedded-target.js';
import { anthropicTarget } from './anthropic-target.js';
import { endpointTarget } from './endpoint-target.js';
import { createProcessTarget } from './process-target.js';
import { kubernetesTarget } from './kubernetes-target.js';

export interface TargetDependencies {
  config: Config;
  /** Writes a model into the library (fills or updates it): the embedded target's GGUF header import. */
  importModel?(model: ModelImport): Promise<{ id: string }>;
}

/**
 * Every deployment target kind this gateway offers, by name. A new kind (embedded, kubernetes)
 * is one module implementing DeploymentTarget plus one line here.
 *
 * @example createTargetKinds({ config }).get('endpoint')
 */
export function createTargetKinds(dependencies: TargetDependencies): TargetKinds {
  const targets: DeploymentTarget<any>[] = [
    endpointTarget,
    anthropicTarget,
    createProcessTarget({ environment: dependencies.config.childEnvironment }),
    createEmbeddedTarget({ ...dependencies, hub: HubClient.fromConfig(dependencies.config) }),
    kubernetesTarget,
  ];
  return new Map(targets.map((target) => [target.kind, target]));
}
