import type { ArchitectureSpec, WeightDtype } from './architecture-spec.js';
import type { TensorGroup, TensorRole } from './parameter-tensors.js';

const linearRoles: ReadonlySet<TensorRole> = new Set(['attention', 'mlp', 'experts', 'sharedExperts']);
const ggufRoles: ReadonlySet<TensorRole> = new Set([
  'attention',
  'mlp',
  'experts',
  'sharedExperts',
  'embedding',
  'lmHead',
  'mtpProjection',
]);

/**
 * Average bits per weight of llama.cpp's quantization types: Q8_0 and Q4_0 are 32-weight blocks
 * with an fp16 scale (34 and 18 bytes); Q6_K is 210 bytes per 256; the `_M` mixes keep some
 * tensors (attn_v, half of ffn_down, output) at higher precision, measured on Llama-class files.
 */
const ggufBitsPerWeight: Partial<Record<WeightDtype, number>> = { q8_0: 8.5, q6_k: 6.5625, q5_k_m: 5.69, q4_k_m: 4.85, q4_0: 4.5 };

export interface WeightOptions {
  dtype: WeightDtype;
  /** FP8 scale block, default [128, 128] as DeepSeek ships. */
  blockSize?: [number, number];
  /** int4 scale group, default 128 (AWQ and GPTQ default). */
  groupSize?: number;
  /** MoE checkpoints in MXFP4 quantize only the experts (gpt-oss); dense ones every linear layer. */
  isMoe: boolean;
}

/**
 * Bytes of one tensor group in a checkpoint of `dtype`, scales included: FP8 adds a float32 scale
 * per 128×128 block, int4 (AWQ/GPTQ) an fp16 scale and a 4-bit zero per group of 128 inputs per
 * row, int8 a float32 scale per output row, MXFP4 an 8-bit shared exponent per 32 weights. What a
 * quantization leaves alone (embeddings, lm_head, norms, routers) stays bf16.
 *
 * @example tensorGroupBytes({ rows: 7168, cols: 2048, count: 1, role: 'experts', … }, { dtype: 'fp8', isMoe: true }) // 14_680_064 + 56 × 16 × 4
 */
export function tensorGroupBytes(group: TensorGroup, options: WeightOptions): number {
  const { rows, cols, count, role } = group;
  const elements = rows * cols;
  const isVector = cols === 1;
  const dtype = options.dtype;
  if (dtype === 'fp32') return elements * 4 * count;
  if (dtype === 'bf16' || dtype === 'fp16') return elements * 2 * count;
  const gguf = ggufBitsPerWeight[dtype];
  if (gguf !== undefined) return (isVector || !ggufRoles.has(role) ? elements * 4 : (elements * gguf) / 8) * count;
  const quantized = dtype === 'mxfp4' && options.isMoe ? role === 'experts' : linearRoles.has(role);
  if (!quantized || isVector) return elements * 2 * count;
  if (dtype === 'fp8') {
    const [blockRows, blockCols] = options.blockSize ?? [128, 128];
    return (elements + Math.ceil(rows / blockRows) * Math.ceil(cols / blockCols) * 4) * count;
  }
  if (dtype === 'int8') return (elements + rows * 4) * count;
  if (dtype === 'int4') return (elements / 2 + rows * Math.ceil(cols / (options.groupSize ?? 128)) * 2.5) * count;
  // mxfp4: 4-bit values plus one E8M0 exponent per 32.
  return (elements / 2 + Math.ceil(elements / 32)) * count;
}

/** The checkpoint's total bytes in `dtype`. */
export function weightBytes(groups: TensorGroup[], options: WeightOptions): number {
  return Math.round(groups.reduce((sum, group) => sum + tensorGroupBytes(group, options), 0));
}

/** The planner's weight options for a spec served in `dtype` (the checkpoint's own scale layout when it matches). */
export function weightOptionsFor(spec: ArchitectureSpec, dtype: WeightDtype): WeightOptions {
  const native = spec.weights.dtype === dtype;
  return {
    dtype,
    blockSize: native ? spec.weights.blockSize : undefined,
    groupSize: native ? spec.weights.groupSize : undefined,
    isMoe: spec.moe !== undefined,
  };
}

/** Bytes per element of the KV cache. */
export const kvDtypeBytes = { bf16: 2, fp16: 2, fp8: 1, fp32: 4 } as const;
export type KvDtype = keyof typeof kvDtypeBytes;
