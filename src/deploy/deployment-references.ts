import { DevupError } from '../errors.js';
import { invalidRequest } from '../validation.js';
import type { DeploymentInput, TargetKinds } from './deployment-input.js';
import type { ModelCatalog } from './model-catalog.js';

/**
 * Checks what a create request names beyond itself: its name is free, its fallbacks exist (and
 * are not itself), its model is in the library. One 400 lists every bad reference.
 *
 * @example await checkReferences(input, (name) => table.has(name), models); // throws conflict or invalid_request
 */
export async function checkReferences(input: DeploymentInput, exists: (name: string) => boolean, models?: ModelCatalog): Promise<void> {
  if (exists(input.name)) throw nameTaken(input.name);
  const fieldErrors = input.fallbacks.flatMap((fallback, index) =>
    fallback === input.name
      ? [{ path: `fallbacks.${index}`, message: 'a deployment cannot fall back to itself' }]
      : exists(fallback)
        ? []
        : [{ path: `fallbacks.${index}`, message: `no deployment named '${fallback}'` }],
  );
  if (input.model && models && !(await models.find(input.model))) {
    fieldErrors.push({ path: 'model', message: `model '${input.model}' is not in the library (leave it out, or add the model first)` });
  }
  if (fieldErrors.length > 0) throw invalidRequest('deployment', fieldErrors);
}

/**
 * Lets each target check what needs I/O (`checkSpec`: a hub variant exists, its trained context
 * holds the one asked for). A refused field becomes `body.targets.N.spec.FIELD` of a 400, as when the spec's schema refuses it.
 */
export async function checkTargets(input: DeploymentInput, kinds: TargetKinds): Promise<void> {
  for (const [index, target] of input.targets.entries()) {
    try {
      await kinds.get(target.kind)?.checkSpec?.(target.spec);
    } catch (error) {
      if (!DevupError.isInstance(error) || error.code !== 'invalid_request' || !error.param) throw error;
      throw invalidRequest('deployment', [{ path: `body.targets.${index}.spec.${error.param}`, message: error.message }]);
    }
  }
}

/** Asks the targets that can tell (an embedded GGUF file) which library model they serve. */
export async function resolveModel(input: DeploymentInput, kinds: TargetKinds): Promise<string | undefined> {
  for (const target of input.targets) {
    const modelId = await kinds.get(target.kind)?.resolveModel?.(target.spec);
    if (modelId) return modelId;
  }
  return undefined;
}

export function nameTaken(name: string): DevupError {
  return new DevupError('conflict', `A deployment named '${name}' already exists`, { param: 'name' });
}
