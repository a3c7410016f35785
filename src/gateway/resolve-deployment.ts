import { DevupError } from '../errors.js';
import type { DeploymentRegistry, RoutableDeployment } from './deployment-registry.js';
import { mayUse, type ApiKey } from './keys/api-key.js';

/**
 * The ready deployment a request names, if the key may use it: `model_not_found` (404) when no
 * such deployment is ready, `permission_denied` (403) when the key's scope leaves it out.
 *
 * @example resolveDeployment(registry, key, body.model).targets
 */
export function resolveDeployment(registry: DeploymentRegistry, key: ApiKey, name: string): RoutableDeployment {
  const deployment = registry.get(name);
  if (!deployment) throw new DevupError('model_not_found', `The model '${name}' does not exist`, { param: 'model' });
  if (!mayUse(key, name)) throw new DevupError('permission_denied', `This key may not use the model '${name}'`, { param: 'model' });
  return deployment;
}
