import type { ArchitectureSpec } from './architecture-spec.js';
import { ConfigFields } from './config-fields.js';

/**
 * Reads the config format of DeepSeek's own inference code (`inference/configs/config_671B.json`:
 * `dim`, `n_layers`, `n_dense_layers`…). That code never loads the MTP module, so none is counted.
 *
 * @example readDeepSeekConfig({ dim: 7168, n_layers: 61, … }).moe?.denseLayers // 3
 */
export function readDeepSeekConfig(config: Record<string, unknown>, source = 'DeepSeek config'): ArchitectureSpec {
  const fields = new ConfigFields(config, source);
  const hiddenSize = fields.number('dim');
  const layers = fields.number('n_layers');
  const heads = fields.number('n_heads');
  const spec: ArchitectureSpec = {
    family: 'deepseek',
    hiddenSize,
    layers,
    vocabSize: fields.number('vocab_size'),
    tieEmbeddings: false,
    // The demo's default max_seq_len is 16K; the checkpoints extend to 128K with YaRN.
    maxContext: fields.optionalNumber('max_seq_len') ?? 163_840,
    attention: {
      kind: 'mla',
      heads,
      kvLoraRank: fields.number('kv_lora_rank'),
      qLoraRank: fields.optionalNumber('q_lora_rank') || null,
      qkNopeHeadDim: fields.number('qk_nope_head_dim'),
      qkRopeHeadDim: fields.number('qk_rope_head_dim'),
      vHeadDim: fields.number('v_head_dim'),
    },
    mlp: { intermediateSize: fields.number('inter_dim') },
    moe: {
      experts: fields.number('n_routed_experts'),
      sharedExperts: fields.optionalNumber('n_shared_experts') ?? 0,
      expertsPerToken: fields.number('n_activated_experts'),
      intermediateSize: fields.number('moe_inter_dim'),
      denseLayers: fields.optionalNumber('n_dense_layers') ?? 0,
      layerFrequency: 1,
      bias: false,
    },
    mtpLayers: 0,
    weights: fields.string('dtype') === 'fp8' ? { dtype: 'fp8', blockSize: [128, 128] } : { dtype: 'bf16' },
  };
  fields.finish();
  return spec;
}
