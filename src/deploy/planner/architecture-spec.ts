import { z } from 'zod';
import { parseOrThrow } from '../../validation.js';

/**
 * Our own architecture format: the facts the planner needs, independent of where they came from
 * (a Hugging Face `config.json`, DeepSeek's config, a GGUF header, or `data/architectures/*.yaml`,
 * which the library merges into a model's `spec`).
 *
 * @example
 *   parseArchitectureSpec({ family: 'llama', hiddenSize: 4096, layers: 32, vocabSize: 128256, maxContext: 131072,
 *     attention: { kind: 'gqa', heads: 32, kvHeads: 8, headDim: 128 }, mlp: { intermediateSize: 14336 },
 *     weights: { dtype: 'bf16' } })
 */
const positive = z.number().int().positive();

const groupedQueryAttention = z.object({
  kind: z.literal('gqa'),
  heads: positive,
  /** Equal to `heads` for multi-head attention, 1 for multi-query. */
  kvHeads: positive,
  headDim: positive,
  /** q/k/v projections carry a bias (Qwen2, gpt-oss). */
  bias: z.boolean().default(false),
});

const latentAttention = z.object({
  kind: z.literal('mla'),
  heads: positive,
  kvLoraRank: positive,
  /** null: queries are projected directly, without a low-rank compression (DeepSeek-V2-Lite). */
  qLoraRank: positive.nullable(),
  qkNopeHeadDim: positive,
  qkRopeHeadDim: positive,
  vHeadDim: positive,
});

export const weightDtypes = ['fp32', 'bf16', 'fp16', 'fp8', 'int8', 'int4', 'mxfp4', 'q8_0', 'q6_k', 'q5_k_m', 'q4_k_m', 'q4_0'] as const;
export type WeightDtype = (typeof weightDtypes)[number];

export const architectureSpecSchema = z.object({
  family: z.string().min(1),
  /** Hugging Face repository the engines load, e.g. `deepseek-ai/DeepSeek-V3`. */
  repo: z.string().optional(),
  hiddenSize: positive,
  layers: positive,
  vocabSize: positive,
  tieEmbeddings: z.boolean().default(false),
  maxContext: positive,
  attention: z.discriminatedUnion('kind', [groupedQueryAttention, latentAttention]),
  /** Layers that attend only to the last `size` tokens, so their KV cache stops growing there. */
  slidingWindow: z.object({ size: positive, layers: positive }).optional(),
  /** Gated (SwiGLU) MLP of the dense layers. */
  mlp: z.object({ intermediateSize: positive }),
  moe: z
    .object({
      experts: positive,
      sharedExperts: z.number().int().nonnegative().default(0),
      expertsPerToken: positive,
      intermediateSize: positive,
      /** Leading layers that keep a dense MLP (DeepSeek `first_k_dense_replace`). */
      denseLayers: z.number().int().nonnegative().default(0),
      /** Every n-th layer after the dense ones is MoE. */
      layerFrequency: positive.default(1),
      /** Experts carry biases on their projections (gpt-oss). */
      bias: z.boolean().default(false),
    })
    .optional(),
  /** Multi-token-prediction modules shipped in the checkpoint (DeepSeek-V3: 1). */
  mtpLayers: z.number().int().nonnegative().default(0),
  weights: z.object({
    dtype: z.enum(weightDtypes),
    /** Scale block of block-quantized FP8 ([128, 128] as DeepSeek ships). */
    blockSize: z.tuple([positive, positive]).optional(),
    /** Group size of int4 (AWQ/GPTQ) scales. */
    groupSize: positive.optional(),
    /** Measured size of the checkpoint (a GGUF file's bytes); used instead of the estimate when serving in `dtype`. */
    bytes: z.number().positive().optional(),
  }),
});

export type ArchitectureSpec = z.output<typeof architectureSpecSchema>;
export type ArchitectureSpecInput = z.input<typeof architectureSpecSchema>;

/** Validates our own format (a library `spec` or an architecture YAML); extra keys are ignored. */
export function parseArchitectureSpec(input: unknown, source = 'spec'): ArchitectureSpec {
  return parseOrThrow(architectureSpecSchema, input, `architecture in ${source}`, [source]);
}
