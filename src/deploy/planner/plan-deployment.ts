import { DevupError } from '../../errors.js';
import type { ArchitectureSpec, WeightDtype } from './architecture-spec.js';
import { engineNames, isLlamaCppEngine, type EngineName } from './engine-name.js';
import { findGpu, type GpuModel } from './gpu-catalog.js';
import { attentionKind, kvBytesPerSequence, kvBytesPerToken } from './kv-cache.js';
import { activationBytes, runtimeBytes } from './memory-budget.js';
import { busiestGpuShare, candidateLayouts, kvShareForGpu, type ParallelLayout } from './parallel-layout.js';
import { activatedParameters, listTensors, totalParameters } from './parameter-tensors.js';
import { planAlternatives } from './plan-alternatives.js';
import { planNotes } from './plan-notes.js';
import type { GpuMemory, Plan, PlanRequest } from './plan-types.js';
import { kvDtypeBytes, weightBytes, weightOptionsFor } from './weight-bytes.js';

const ggufDtypes: ReadonlySet<WeightDtype> = new Set(['q8_0', 'q6_k', 'q5_k_m', 'q4_k_m', 'q4_0']);

/**
 * Plans a deployment: weights, KV cache, the fewest GPUs, and the practical layout of the engine
 * (the first candidate layout whose busiest GPU holds its weights, runtime, activations and the KV
 * of `concurrency` sequences of `context` tokens).
 *
 * @example planDeployment({ spec: deepseekV3, model: 'deepseek-v3', gpu: 'h200', dtype: 'fp8' }).gpuCount // 8
 */
export function planDeployment(request: PlanRequest, options: { alternatives?: boolean } = {}): Plan {
  const spec = request.spec;
  const gpu = findGpu(request.gpu ?? 'h100');
  const dtype = request.dtype ?? spec.weights.dtype;
  const engine = request.engine ?? (ggufDtypes.has(dtype) ? 'llama-server' : 'vllm');
  const context = request.context ?? Math.min(spec.maxContext, 32_768);
  const concurrency = request.concurrency ?? 1;
  checkRequest(request, spec, dtype, engine, context);
  const kvDtype = request.kvDtype ?? 'bf16';
  const groups = listTensors(spec);
  const measured = dtype === spec.weights.dtype ? spec.weights.bytes : undefined;
  const weights = measured ?? weightBytes(groups, weightOptionsFor(spec, dtype));
  const kvElementBytes = kvDtypeBytes[kvDtype];
  const kvPerSequence = kvBytesPerSequence(spec, kvElementBytes, context);
  const utilization = request.gpuMemoryUtilization ?? 0.9;

  const evaluate = (layout: ParallelLayout) => {
    const perGpu = gpuMemory(spec, engine, gpu, layout, weights, utilization);
    const kvPerSequenceOnGpu = kvPerSequence * kvShareForGpu(spec, layout);
    const sequences = perGpu.kvFreeBytes > 0 ? Math.floor(perGpu.kvFreeBytes / kvPerSequenceOnGpu) : 0;
    const missing = concurrency * kvPerSequenceOnGpu - perGpu.kvFreeBytes;
    return { layout, perGpu, sequences, missing };
  };
  const candidates = candidateLayouts(spec, gpu.gpusPerNode, engine).filter(
    (layout) => request.gpus === undefined || layout.gpuCount === request.gpus,
  );
  if (candidates.length === 0) {
    throw new DevupError(
      'invalid_request',
      `${request.gpus} × ${gpu.id} is not a layout ${engine} can run for ${request.model} (tensor parallel must divide ${spec.attention.heads} heads${spec.moe ? ` and the GPU count the ${spec.moe.experts} experts` : ''})`,
      { param: 'gpus' },
    );
  }
  const evaluated = candidates.map(evaluate);
  const chosen = evaluated.find((candidate) => candidate.missing <= 0) ?? evaluated[evaluated.length - 1];
  const fits = chosen.missing <= 0;
  const plan: Plan = {
    model: request.model,
    family: spec.family,
    attention: attentionKind(spec),
    repo: spec.repo,
    gpu: { id: gpu.id, name: gpu.name, memoryBytes: gpu.memoryBytes, resource: gpu.resource },
    engine,
    dtype,
    checkpointDtype: spec.weights.dtype,
    kvDtype,
    context,
    concurrency,
    parameters: {
      total: totalParameters(groups),
      mainModel: totalParameters(groups, { mtp: false }),
      mtp: totalParameters(groups) - totalParameters(groups, { mtp: false }),
      activated: Math.round(activatedParameters(groups)),
    },
    weightsBytes: weights,
    kvBytesPerToken: kvBytesPerToken(spec, kvElementBytes),
    kvBytesPerSequence: kvPerSequence,
    minGpus: minimumGpus(spec, engine, gpu, weights, utilization),
    fits,
    ...chosen.layout,
    perGpu: chosen.perGpu,
    concurrentSequences: chosen.sequences,
    alternatives: [],
    engineLayouts: {},
    notes: [],
  };
  if (!fits) {
    const bytesPerGpu = Math.ceil(chosen.missing);
    plan.shortfall = {
      bytesPerGpu,
      bytes: bytesPerGpu * chosen.layout.gpuCount,
      message: `${chosen.layout.gpuCount} × ${gpu.id} lack ${formatGigabytes(bytesPerGpu)} per GPU (${formatGigabytes(bytesPerGpu * chosen.layout.gpuCount)} in all) for ${dtype} weights and ${concurrency} × ${context}-token KV cache`,
    };
    if (options.alternatives !== false)
      plan.alternatives = planAlternatives(request, dtype, engine, (candidate) => planDeployment(candidate, { alternatives: false }));
  }
  plan.notes = planNotes(spec, plan, gpu);
  if (options.alternatives !== false) plan.engineLayouts = engineLayouts(request, dtype);
  return plan;
}

/** Every engine's layout of the request, so a reader can compare vLLM's TP × PP with SGLang's one TP group. */
function engineLayouts(request: PlanRequest, dtype: WeightDtype): Plan['engineLayouts'] {
  return Object.fromEntries(
    engineNames.map((engine) => {
      try {
        const { fits, concurrentSequences, gpuCount, nodes, gpusPerNode, tensorParallel, pipelineParallel, expertParallel, split } =
          planDeployment({ ...request, dtype, engine }, { alternatives: false });
        return [
          engine,
          { fits, concurrentSequences, gpuCount, nodes, gpusPerNode, tensorParallel, pipelineParallel, expertParallel, split },
        ];
      } catch {
        return [engine, null];
      }
    }),
  );
}

function gpuMemory(
  spec: ArchitectureSpec,
  engine: EngineName,
  gpu: GpuModel,
  layout: ParallelLayout,
  weights: number,
  utilization: number,
): GpuMemory {
  const usableBytes = gpu.memoryBytes * utilization;
  const weightsOnGpu = Math.ceil(weights * busiestGpuShare(spec, layout));
  const activations = Math.ceil(activationBytes(spec, engine, layout.tensorParallel));
  const runtime = runtimeBytes(engine, layout.gpuCount);
  return {
    memoryBytes: gpu.memoryBytes,
    usableBytes,
    weightsBytes: weightsOnGpu,
    activationBytes: activations,
    runtimeBytes: runtime,
    kvFreeBytes: Math.floor(usableBytes - weightsOnGpu - activations - runtime),
  };
}

/** Fewest GPUs whose usable memory holds an even share of the weights plus runtime and activations. */
function minimumGpus(spec: ArchitectureSpec, engine: EngineName, gpu: GpuModel, weights: number, utilization: number): number {
  for (let count = 1; count <= 4096; count += 1) {
    const overhead = runtimeBytes(engine, count) + activationBytes(spec, engine, isLlamaCppEngine(engine) ? 1 : count);
    if (weights / count + overhead <= gpu.memoryBytes * utilization) return count;
  }
  return Infinity;
}

function checkRequest(request: PlanRequest, spec: ArchitectureSpec, dtype: WeightDtype, engine: EngineName, context: number): void {
  if (context > spec.maxContext) {
    throw new DevupError('invalid_request', `context ${context} exceeds ${request.model}'s maximum of ${spec.maxContext} tokens`, {
      param: 'context',
    });
  }
  if (isLlamaCppEngine(engine) && !ggufDtypes.has(dtype) && !['bf16', 'fp16', 'fp32', 'mxfp4'].includes(dtype)) {
    throw new DevupError('invalid_request', `${engine} runs GGUF files (q4_k_m, q8_0, bf16…), not ${dtype}`, { param: 'dtype' });
  }
  if (!isLlamaCppEngine(engine) && ggufDtypes.has(dtype)) {
    throw new DevupError('invalid_request', `${dtype} is a GGUF quantization; serve it with --engine llama-server or ollama`, {
      param: 'dtype',
    });
  }
}

export function formatGigabytes(bytes: number): string {
  return `${(bytes / 1e9).toFixed(bytes >= 10e9 ? 0 : 1)} GB`;
}
