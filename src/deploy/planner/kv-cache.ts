import type { ArchitectureSpec } from './architecture-spec.js';

/**
 * KV-cache bytes one token adds on every layer: grouped-query and multi-head attention store a key
 * and a value per KV head (2 · kv_heads · head_dim); MLA stores one compressed latent plus the
 * decoupled RoPE key (kv_lora_rank + qk_rope_head_dim), however many query heads there are.
 *
 * @example kvBytesPerTokenPerLayer(deepseekV3, 2) // (512 + 64) × 2 = 1152; × 61 layers = 70,272
 */
export function kvBytesPerTokenPerLayer(spec: ArchitectureSpec, elementBytes: number): number {
  const attention = spec.attention;
  if (attention.kind === 'mla') return (attention.kvLoraRank + attention.qkRopeHeadDim) * elementBytes;
  return 2 * attention.kvHeads * attention.headDim * elementBytes;
}

/** KV bytes per token over all layers of the main model (the MTP module is not counted). */
export function kvBytesPerToken(spec: ArchitectureSpec, elementBytes: number): number {
  return kvBytesPerTokenPerLayer(spec, elementBytes) * spec.layers;
}

/** KV bytes of one sequence of `context` tokens: sliding-window layers stop growing at their window. */
export function kvBytesPerSequence(spec: ArchitectureSpec, elementBytes: number, context: number): number {
  const perLayer = kvBytesPerTokenPerLayer(spec, elementBytes);
  const slidingLayers = spec.slidingWindow ? Math.min(spec.slidingWindow.layers, spec.layers) : 0;
  const windowTokens = spec.slidingWindow ? Math.min(context, spec.slidingWindow.size) : 0;
  return perLayer * ((spec.layers - slidingLayers) * context + slidingLayers * windowTokens);
}

/** The attention kind's name for reports: MHA, GQA, MQA or MLA. */
export function attentionKind(spec: ArchitectureSpec): 'MHA' | 'GQA' | 'MQA' | 'MLA' {
  const attention = spec.attention;
  if (attention.kind === 'mla') return 'MLA';
  if (attention.kvHeads === attention.heads) return 'MHA';
  return attention.kvHeads === 1 ? 'MQA' : 'GQA';
}
