import { DevupError } from '../../errors.js';
import type { ArchitectureSpec, WeightDtype } from './architecture-spec.js';
import { ConfigFields, isObject } from './config-fields.js';

/**
 * Reads a Hugging Face `config.json` (Llama, Qwen2/3, Mixtral, Gemma-2, Phi-3, gpt-oss,
 * DeepSeek-V2/V3, Kimi-K2…) into our architecture format.
 *
 * @example readHuggingFaceConfig(JSON.parse(fs.readFileSync('config.json', 'utf8'))).attention.kind // 'mla' for DeepSeek-V3
 */
export function readHuggingFaceConfig(config: Record<string, unknown>, source = 'config.json'): ArchitectureSpec {
  const fields = new ConfigFields(config, source);
  const family = fields.string('model_type') ?? 'unknown';
  refuseHybridLayers(config, source, family);
  const hiddenSize = fields.number('hidden_size', 'd_model', 'n_embd');
  const layers = fields.number('num_hidden_layers', 'n_layer', 'num_layers');
  const heads = fields.number('num_attention_heads', 'n_head');
  const vocabSize = fields.number('vocab_size');
  // Llama-4 sizes its experts with intermediate_size and its dense layers with intermediate_size_mlp.
  const intermediateSize =
    family === 'llama4_text' ? fields.number('intermediate_size_mlp') : fields.number('intermediate_size', 'ffn_dim', 'n_inner');
  const maxContext = fields.number('max_position_embeddings', 'max_seq_len', 'seq_length', 'n_positions');
  const isLatent = fields.optionalNumber('kv_lora_rank') !== undefined;
  const attention = isLatent
    ? {
        kind: 'mla' as const,
        heads,
        kvLoraRank: fields.number('kv_lora_rank'),
        qLoraRank: fields.optionalNumber('q_lora_rank') || null,
        qkNopeHeadDim: fields.number('qk_nope_head_dim'),
        qkRopeHeadDim: fields.number('qk_rope_head_dim'),
        vHeadDim: fields.number('v_head_dim'),
      }
    : {
        kind: 'gqa' as const,
        heads,
        kvHeads: fields.optionalNumber('num_key_value_heads', 'num_kv_heads') ?? heads,
        headDim: fields.optionalNumber('head_dim') ?? (heads > 0 ? hiddenSize / heads : 0),
        bias: config.attention_bias === true || family === 'qwen2' || family === 'qwen2_moe',
      };
  const moe = readMixtureOfExperts(fields, layers, family);
  fields.finish();
  return {
    family,
    hiddenSize,
    layers,
    vocabSize,
    // transformers ties embeddings unless a config says otherwise (Gemma's omit the key); Llama4TextConfig defaults to untied.
    tieEmbeddings: typeof config.tie_word_embeddings === 'boolean' ? config.tie_word_embeddings : family !== 'llama4_text',
    maxContext,
    attention,
    slidingWindow: readSlidingWindow(config, layers, family),
    mlp: { intermediateSize },
    moe,
    mtpLayers: fields.optionalNumber('num_nextn_predict_layers') ?? 0,
    weights: readWeights(config),
  };
}

function readMixtureOfExperts(fields: ConfigFields, layers: number, family: string): ArchitectureSpec['moe'] {
  const experts = fields.optionalNumber('n_routed_experts', 'num_local_experts', 'num_experts');
  if (!experts) return undefined;
  const mlpOnlyLayers = Array.isArray(fields.config.mlp_only_layers) ? fields.config.mlp_only_layers.length : 0;
  return {
    experts,
    // Llama-4's MoE layers always add one shared expert (Llama4TextMoe.shared_expert); its config has no key for it.
    sharedExperts:
      fields.optionalNumber('n_shared_experts') ??
      (fields.optionalNumber('shared_expert_intermediate_size') || family === 'llama4_text' ? 1 : 0),
    expertsPerToken: fields.number('num_experts_per_tok', 'experts_per_token', 'num_experts_per_token'),
    // Mixtral and gpt-oss size their experts with intermediate_size; the others have a separate key.
    intermediateSize: fields.optionalNumber('moe_intermediate_size') ?? fields.number('intermediate_size'),
    denseLayers: Math.min(layers, (fields.optionalNumber('first_k_dense_replace') ?? 0) + mlpOnlyLayers),
    layerFrequency: fields.optionalNumber('moe_layer_freq', 'decoder_sparse_step', 'interleave_moe_layer_step') ?? 1,
    bias: family === 'gpt_oss',
  };
}

function readSlidingWindow(config: Record<string, unknown>, layers: number, family: string): ArchitectureSpec['slidingWindow'] {
  const size = config.sliding_window;
  if (typeof size !== 'number' || size <= 0 || config.use_sliding_window === false) return undefined;
  if (Array.isArray(config.layer_types)) {
    const sliding = config.layer_types.filter((type) => type === 'sliding_attention').length;
    return sliding > 0 ? { size, layers: sliding } : undefined;
  }
  // Gemma-2 alternates local and global attention, starting with local (layer 0 slides).
  if (family === 'gemma2') return { size, layers: Math.ceil(layers / 2) };
  // Gemma-3: every `sliding_window_pattern`-th layer is global.
  const pattern = config.sliding_window_pattern;
  if (typeof pattern === 'number' && pattern > 1) return { size, layers: layers - Math.floor(layers / pattern) };
  if (size >= Number(config.max_position_embeddings ?? Infinity)) return undefined;
  return { size, layers };
}

function readWeights(config: Record<string, unknown>): ArchitectureSpec['weights'] {
  const quantization = isObject(config.quantization_config) ? config.quantization_config : undefined;
  const method = typeof quantization?.quant_method === 'string' ? quantization.quant_method.toLowerCase() : undefined;
  if (method === 'fp8' || method === 'fbgemm_fp8') {
    const block = quantization?.weight_block_size;
    return Array.isArray(block) && block.length === 2
      ? { dtype: 'fp8', blockSize: [Number(block[0]), Number(block[1])] }
      : { dtype: 'fp8' };
  }
  if (method === 'mxfp4') return { dtype: 'mxfp4' };
  if (method === 'awq' || method === 'gptq') {
    const bits = Number(quantization?.bits ?? quantization?.w_bit ?? 4);
    const groupSize = Number(quantization?.group_size ?? quantization?.q_group_size ?? 128);
    return { dtype: bits === 8 ? 'int8' : 'int4', groupSize: groupSize > 0 ? groupSize : 128 };
  }
  const dtypes: Record<string, WeightDtype> = { bfloat16: 'bf16', float16: 'fp16', float32: 'fp32' };
  const declared =
    typeof config.torch_dtype === 'string' ? config.torch_dtype : typeof config.dtype === 'string' ? config.dtype : 'bfloat16';
  return { dtype: dtypes[declared] ?? 'bf16' };
}

/**
 * Hybrid stacks (NemotronH's Mamba layers, Qwen3-Next's linear attention) have layers the planner
 * does not size; counting them as attention layers would give numbers that look right and are not.
 */
function refuseHybridLayers(config: Record<string, unknown>, source: string, family: string): void {
  const layerTypes = Array.isArray(config.layer_types) ? config.layer_types : [];
  const other = layerTypes.find((type) => typeof type === 'string' && !/^(full|sliding)_attention$/.test(type));
  if (typeof config.hybrid_override_pattern === 'string' || other !== undefined) {
    throw new DevupError(
      'invalid_request',
      `Cannot plan from ${source}: ${family} mixes attention with ${other ?? 'Mamba'} layers, which the planner does not size`,
      { param: 'config' },
    );
  }
}
