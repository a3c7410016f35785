import type { ArchitectureSpec } from './architecture-spec.js';
import type { GpuModel } from './gpu-catalog.js';
import type { Plan } from './plan-types.js';

/** Facts a reader of the plan should know that the numbers do not say. */
export function planNotes(spec: ArchitectureSpec, plan: Plan, gpu: GpuModel): string[] {
  const notes: string[] = [];
  if (spec.attention.kind === 'mla') {
    notes.push(
      'MLA caches one latent (kv_lora_rank + qk_rope_head_dim) per layer; every tensor-parallel rank keeps the whole latent, so KV does not shrink with TP.',
    );
  }
  if (plan.parameters.mtp > 0) {
    notes.push(
      `The checkpoint includes ${(plan.parameters.mtp / 1e9).toFixed(1)}B MTP-module parameters (counted in the weights; engines load them only for speculative decoding).`,
    );
  }
  if (spec.slidingWindow) {
    notes.push(
      `${spec.slidingWindow.layers} of ${spec.layers} layers use a ${spec.slidingWindow.size}-token sliding window; their KV stops growing there.`,
    );
  }
  if (plan.dtype === 'fp8' && !gpu.fp8) notes.push(`${gpu.name} has no FP8 tensor cores; engines run FP8 weights as weight-only (slower).`);
  if (plan.dtype === 'bf16' && spec.weights.dtype === 'fp8')
    notes.push('The checkpoint ships in FP8; BF16 weights come from converting it (DeepSeek: inference/fp8_cast_bf16.py).');
  return notes;
}
