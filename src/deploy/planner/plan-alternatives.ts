import type { WeightDtype } from './architecture-spec.js';
import type { EngineName } from './engine-name.js';
import { gpuCatalog } from './gpu-catalog.js';
import type { Plan, PlanAlternative, PlanRequest } from './plan-types.js';

/** Smaller weight formats to suggest, per engine family. */
const lighterDtypes: Record<'tensor' | 'gguf', WeightDtype[]> = { tensor: ['fp8', 'int4'], gguf: ['q8_0', 'q4_k_m'] };

/**
 * What would serve a request that does not fit: more of the asked GPU, the same dtype on other
 * catalog GPUs (fewest GPUs first), then lighter dtypes on the asked GPU.
 *
 * @example planAlternatives({ spec, model, gpu: 'rtx-4090', gpus: 4 }, 'fp8', 'vllm', planOne) // [{ gpu: 'h200', gpuCount: 8, … }, …]
 */
export function planAlternatives(
  request: PlanRequest,
  dtype: WeightDtype,
  engine: EngineName,
  plan: (request: PlanRequest) => Plan,
): PlanAlternative[] {
  const tryPlan = (gpu: string, candidateDtype: WeightDtype): PlanAlternative | undefined => {
    try {
      const candidate = plan({ ...request, gpu, dtype: candidateDtype, engine, gpus: undefined });
      return candidate.fits ? { gpu, dtype: candidateDtype, gpuCount: candidate.gpuCount, nodes: candidate.nodes } : undefined;
    } catch {
      return undefined;
    }
  };
  const askedGpu = request.gpu ?? 'h100';
  // More of the asked GPU first (when a count was pinned), then other GPUs, fewest first.
  const sameGpu = request.gpus !== undefined ? (tryPlan(askedGpu, dtype) ?? []) : [];
  const otherGpus = gpuCatalog
    .filter((gpu) => gpu.id !== askedGpu)
    .flatMap((gpu) => tryPlan(gpu.id, dtype) ?? [])
    .sort((left, right) => left.gpuCount - right.gpuCount)
    .slice(0, 4);
  const family = engine === 'llama-server' || engine === 'ollama' ? 'gguf' : 'tensor';
  const lighter = lighterDtypes[family]
    .filter((candidate) => candidate !== dtype)
    .flatMap((candidate) => tryPlan(askedGpu, candidate) ?? []);
  return [sameGpu, ...otherGpus, ...lighter].flat();
}
