import type { ArchitectureSpec } from './architecture-spec.js';
import { isLlamaCppEngine, type EngineName } from './engine-name.js';

const gibibyte = 1024 ** 3;

/** Tokens one prefill step processes: vLLM's and SGLang's default chunk (8192); llama.cpp's ubatch (512). */
export function prefillChunkTokens(engine: EngineName): number {
  return isLlamaCppEngine(engine) ? 512 : 8192;
}

/**
 * Memory a GPU needs besides weights and KV cache, per GPU: the CUDA context and library
 * workspaces (~1 GiB), captured CUDA graphs on vLLM/SGLang (~1 GiB), NCCL buffers when GPUs talk
 * (~0.5 GiB).
 */
export function runtimeBytes(engine: EngineName, gpuCount: number): number {
  const context = isLlamaCppEngine(engine) ? 0.5 * gibibyte : gibibyte;
  const graphs = isLlamaCppEngine(engine) ? 0 : gibibyte;
  const collectives = gpuCount > 1 ? 0.5 * gibibyte : 0;
  return context + graphs + collectives;
}

/**
 * Peak activations of one prefill chunk in bf16: about four hidden-sized buffers per token
 * (residual, normed input, attention output, MLP output) and the MLP's gate/up/activation
 * (three intermediate-sized buffers) sharded over tensor parallel. MoE counts the experts a token visits.
 *
 * @example activationBytes(deepseekV3, 'vllm', 8) // 8192 × 2 × (4·7168 + 3·18432/8) ≈ 0.58 GB
 */
export function activationBytes(spec: ArchitectureSpec, engine: EngineName, tensorParallel: number): number {
  const moeWidth = spec.moe ? spec.moe.intermediateSize * (spec.moe.expertsPerToken + spec.moe.sharedExperts) : 0;
  const ffnWidth = Math.max(spec.mlp.intermediateSize, moeWidth);
  return prefillChunkTokens(engine) * 2 * (4 * spec.hiddenSize + (3 * ffnWidth) / tensorParallel);
}
