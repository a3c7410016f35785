import type { ArchitectureSpec, WeightDtype } from './architecture-spec.js';
import { ConfigFields } from './config-fields.js';

/** llama.cpp `general.file_type` ids (llama.h `llama_ftype`) the planner sizes. */
const fileTypeDtypes: Record<number, WeightDtype> = {
  0: 'fp32',
  1: 'fp16',
  2: 'q4_0',
  7: 'q8_0',
  15: 'q4_k_m',
  17: 'q5_k_m',
  18: 'q6_k',
  32: 'bf16',
};

/**
 * Reads a GGUF header's metadata map (`general.architecture`, `<arch>.block_count`,
 * `<arch>.attention.head_count_kv`…; see the engine's `ggufMetadataMap`) into our format.
 *
 * @example readGgufMetadata({ 'general.architecture': 'llama', 'llama.block_count': 32, … }).layers // 32
 */
export function readGgufMetadata(metadata: Record<string, unknown>, source = 'GGUF header'): ArchitectureSpec {
  const architecture = typeof metadata['general.architecture'] === 'string' ? metadata['general.architecture'] : '';
  const prefixed = Object.fromEntries(
    Object.entries(metadata)
      .filter(([key]) => key.startsWith(`${architecture}.`))
      .map(([key, value]) => [key.slice(architecture.length + 1), value]),
  );
  const fields = new ConfigFields({ ...prefixed, vocab_size: prefixed.vocab_size ?? metadata['tokenizer.ggml.tokens'] }, source);
  if (!architecture) fields.number('general.architecture');
  const hiddenSize = fields.number('embedding_length');
  const layers = fields.number('block_count');
  const heads = fields.number('attention.head_count');
  const kvLoraRank = fields.optionalNumber('attention.kv_lora_rank');
  const keyLength = fields.optionalNumber('attention.key_length');
  const experts = fields.optionalNumber('expert_count');
  const slidingWindow = fields.optionalNumber('attention.sliding_window');
  const fileType = Number(metadata['general.file_type']);
  const ropeDim = fields.optionalNumber('rope.dimension_count') ?? 64;
  const spec: ArchitectureSpec = {
    family: architecture,
    hiddenSize,
    layers,
    vocabSize: fields.number('vocab_size'),
    tieEmbeddings: false,
    maxContext: fields.number('context_length'),
    attention: kvLoraRank
      ? {
          kind: 'mla',
          heads,
          kvLoraRank,
          qLoraRank: fields.optionalNumber('attention.q_lora_rank') || null,
          qkNopeHeadDim: (keyLength ?? 192) - ropeDim,
          qkRopeHeadDim: ropeDim,
          vHeadDim: fields.optionalNumber('attention.value_length') ?? 128,
        }
      : {
          kind: 'gqa',
          heads,
          kvHeads: fields.optionalNumber('attention.head_count_kv') ?? heads,
          headDim: keyLength ?? (heads > 0 ? hiddenSize / heads : 0),
          bias: false,
        },
    slidingWindow: slidingWindow ? { size: slidingWindow, layers: architecture === 'gemma2' ? Math.ceil(layers / 2) : layers } : undefined,
    mlp: { intermediateSize: fields.number('feed_forward_length') },
    moe: experts
      ? {
          experts,
          sharedExperts: fields.optionalNumber('expert_shared_count') ?? 0,
          expertsPerToken: fields.number('expert_used_count'),
          intermediateSize: fields.optionalNumber('expert_feed_forward_length') ?? fields.number('feed_forward_length'),
          denseLayers: fields.optionalNumber('leading_dense_block_count') ?? 0,
          layerFrequency: 1,
          bias: false,
        }
      : undefined,
    mtpLayers: fields.optionalNumber('nextn_predict_layers') ?? 0,
    weights: { dtype: fileTypeDtypes[fileType] ?? 'q4_k_m' },
  };
  fields.finish();
  return spec;
}
