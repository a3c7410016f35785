import { defaultVariantContext, type ArchitectureFacts, type ModelSizer, type VariantMemory } from '../../library/model-sizer.js';
import { attentionKind, kvBytesPerSequence } from './kv-cache.js';
import { activationBytes, runtimeBytes } from './memory-budget.js';
import { activatedParameters, listTensors, totalParameters } from './parameter-tensors.js';
import { readArchitecture } from './read-architecture.js';
import { kvDtypeBytes } from './weight-bytes.js';

/**
 * The library's `ModelSizer`, answered by the planner: parameter counts from the checkpoint's
 * tensor list (`listTensors`), memory as the planner budgets one GPU (weights, KV cache at
 * `context` in 16 bits, one prefill chunk of activations, the engine's runtime).
 *
 * @example plannerSizer.describe(deepseekV2LiteConfig, 'config.json').totalParams // 15_706_484_224
 */
export const plannerSizer: ModelSizer = {
  describe(description, source): ArchitectureFacts {
    const spec = readArchitecture(description, source);
    const groups = listTensors(spec);
    const mainModel = totalParameters(groups, { mtp: false });
    return {
      architecture: spec.moe ? 'MoE' : 'Dense',
      attention: attentionKind(spec),
      totalParams: mainModel,
      activatedParams: Math.round(activatedParameters(groups)),
      mtpParams: totalParameters(groups) - mainModel,
      contextLength: spec.maxContext,
      layers: spec.layers,
      checkpointDtype: spec.weights.dtype,
    };
  },

  memory(description, source, request): VariantMemory {
    const spec = readArchitecture(description, source);
    const context = Math.min(request.context ?? defaultVariantContext, spec.maxContext);
    const engine = request.engine === 'llama.cpp' ? 'llama-server' : 'vllm';
    const needed =
      request.weightsBytes + kvBytesPerSequence(spec, kvDtypeBytes.fp16, context) + Math.ceil(activationBytes(spec, engine, 1));
    return {
      context,
      ramBytes: request.engine === 'llama.cpp' ? needed : null,
      vramBytes: needed + runtimeBytes(engine, 1),
    };
  },
};
