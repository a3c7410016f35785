import type { ArchitectureSpec } from './architecture-spec.js';

/** Which part of the model a tensor belongs to; decides what a quantization touches. */
export type TensorRole =
  | 'embedding'
  | 'lmHead'
  | 'attention'
  | 'mlp'
  | 'experts'
  | 'sharedExperts'
  | 'router'
  | 'norm'
  | 'bias'
  | 'mtpProjection';

/** `count` identical matrices of `rows × cols` (a vector has cols 1). */
export interface TensorGroup {
  name: string;
  role: TensorRole;
  rows: number;
  cols: number;
  count: number;
  /** Share of these parameters a token uses (routed experts: experts per token ÷ experts). */
  activeShare: number;
  /** Part of the multi-token-prediction module. */
  mtp: boolean;
}

/**
 * The checkpoint's tensors, grouped: embeddings, attention (GQA or MLA with its low-rank
 * projections), dense MLP, routed and shared experts, routers, norms, lm_head and the MTP modules.
 *
 * @example listTensors(deepseekV3).reduce((sum, group) => sum + group.rows * group.cols * group.count, 0) // ≈ 684.5e9
 */
export function listTensors(spec: ArchitectureSpec): TensorGroup[] {
  const groups: TensorGroup[] = [];
  const add = (
    name: string,
    role: TensorRole,
    rows: number,
    cols: number,
    count: number,
    options: { activeShare?: number; mtp?: boolean } = {},
  ) => {
    if (rows > 0 && cols > 0 && count > 0)
      groups.push({ name, role, rows, cols, count, activeShare: options.activeShare ?? 1, mtp: options.mtp ?? false });
  };
  const hidden = spec.hiddenSize;
  const moeLayers = countMoeLayers(spec);
  const denseLayers = spec.layers - moeLayers;

  add('embed_tokens', 'embedding', spec.vocabSize, hidden, 1);
  if (!spec.tieEmbeddings) add('lm_head', 'lmHead', spec.vocabSize, hidden, 1);
  add('norm', 'norm', hidden, 1, 1);
  addDecoderLayers(spec, add, denseLayers, moeLayers, false);

  if (spec.mtpLayers > 0) {
    const count = spec.mtpLayers;
    // DeepSeek's checkpoint stores each MTP module's embedding and head again (shared at run time).
    add('mtp.embed_tokens', 'embedding', spec.vocabSize, hidden, count, { mtp: true, activeShare: 0 });
    add('mtp.shared_head', 'lmHead', spec.vocabSize, hidden, count, { mtp: true, activeShare: 0 });
    add('mtp.eh_proj', 'mtpProjection', hidden, 2 * hidden, count, { mtp: true });
    add('mtp.enorm+hnorm+head_norm', 'norm', hidden, 1, 3 * count, { mtp: true });
    addDecoderLayers(spec, add, spec.moe ? 0 : count, spec.moe ? count : 0, true);
  }
  return groups;
}

type Add = (
  name: string,
  role: TensorRole,
  rows: number,
  cols: number,
  count: number,
  options?: { activeShare?: number; mtp?: boolean },
) => void;

/** Gemma-2 and -3 wrap attention and MLP each in a pre- and a post-norm; the others norm before each only. */
function normsPerLayer(family: string): number {
  return family.startsWith('gemma2') || family.startsWith('gemma3') ? 4 : 2;
}

/** Families with an RMSNorm over each head's queries and keys (weights of head_dim, shared by the heads). */
const queryKeyNormFamilies = new Set(['qwen3', 'qwen3_moe', 'qwen3moe', 'gemma3', 'gemma3_text']);

function addDecoderLayers(spec: ArchitectureSpec, add: Add, denseLayers: number, moeLayers: number, mtp: boolean): void {
  const hidden = spec.hiddenSize;
  const layers = denseLayers + moeLayers;
  const prefix = mtp ? 'mtp.' : '';
  add(`${prefix}layer norms`, 'norm', hidden, 1, normsPerLayer(spec.family) * layers, { mtp });
  const attention = spec.attention;
  if (attention.kind === 'mla') {
    const queryHeadDim = attention.qkNopeHeadDim + attention.qkRopeHeadDim;
    if (attention.qLoraRank) {
      add(`${prefix}q_a_proj`, 'attention', attention.qLoraRank, hidden, layers, { mtp });
      add(`${prefix}q_a_layernorm`, 'norm', attention.qLoraRank, 1, layers, { mtp });
      add(`${prefix}q_b_proj`, 'attention', attention.heads * queryHeadDim, attention.qLoraRank, layers, { mtp });
    } else {
      add(`${prefix}q_proj`, 'attention', attention.heads * queryHeadDim, hidden, layers, { mtp });
    }
    add(`${prefix}kv_a_proj_with_mqa`, 'attention', attention.kvLoraRank + attention.qkRopeHeadDim, hidden, layers, { mtp });
    add(`${prefix}kv_a_layernorm`, 'norm', attention.kvLoraRank, 1, layers, { mtp });
    add(`${prefix}kv_b_proj`, 'attention', attention.heads * (attention.qkNopeHeadDim + attention.vHeadDim), attention.kvLoraRank, layers, {
      mtp,
    });
    add(`${prefix}o_proj`, 'attention', hidden, attention.heads * attention.vHeadDim, layers, { mtp });
  } else {
    const queryWidth = attention.heads * attention.headDim;
    const keyValueWidth = attention.kvHeads * attention.headDim;
    add(`${prefix}q_proj`, 'attention', queryWidth, hidden, layers, { mtp });
    add(`${prefix}k_proj+v_proj`, 'attention', keyValueWidth, hidden, 2 * layers, { mtp });
    add(`${prefix}o_proj`, 'attention', hidden, queryWidth, layers, { mtp });
    if (attention.bias) add(`${prefix}qkv bias`, 'bias', queryWidth + 2 * keyValueWidth, 1, layers, { mtp });
    if (queryKeyNormFamilies.has(spec.family)) add(`${prefix}q_norm+k_norm`, 'norm', attention.headDim, 1, 2 * layers, { mtp });
  }
  // Gated MLP: gate_proj and up_proj (intermediate × hidden), down_proj (hidden × intermediate).
  add(`${prefix}mlp gate+up`, 'mlp', spec.mlp.intermediateSize, hidden, 2 * denseLayers, { mtp });
  add(`${prefix}mlp down`, 'mlp', hidden, spec.mlp.intermediateSize, denseLayers, { mtp });
  const moe = spec.moe;
  if (!moe || moeLayers === 0) return;
  const routedShare = moe.expertsPerToken / moe.experts;
  add(`${prefix}experts gate+up`, 'experts', moe.intermediateSize, hidden, 2 * moe.experts * moeLayers, { mtp, activeShare: routedShare });
  add(`${prefix}experts down`, 'experts', hidden, moe.intermediateSize, moe.experts * moeLayers, { mtp, activeShare: routedShare });
  if (moe.bias)
    add(`${prefix}experts bias`, 'bias', 2 * moe.intermediateSize + hidden, 1, moe.experts * moeLayers, { mtp, activeShare: routedShare });
  add(`${prefix}shared experts gate+up`, 'sharedExperts', moe.intermediateSize * moe.sharedExperts, hidden, 2 * moeLayers, { mtp });
  add(`${prefix}shared experts down`, 'sharedExperts', hidden, moe.intermediateSize * moe.sharedExperts, moeLayers, { mtp });
  add(`${prefix}router`, 'router', moe.experts, hidden, moeLayers, { mtp });
}

/** Layers whose MLP is a mixture of experts (DeepSeek: after `first_k_dense_replace`, every `moe_layer_freq`-th). */
export function countMoeLayers(spec: ArchitectureSpec): number {
  const moe = spec.moe;
  if (!moe) return 0;
  let count = 0;
  for (let layer = moe.denseLayers; layer < spec.layers; layer += 1) if (layer % moe.layerFrequency === 0) count += 1;
  return count;
}

export function totalParameters(groups: TensorGroup[], options: { mtp?: boolean } = {}): number {
  return groups
    .filter((group) => options.mtp !== false || !group.mtp)
    .reduce((sum, group) => sum + group.rows * group.cols * group.count, 0);
}

/** Parameters one token runs through (main model, without the MTP module). */
export function activatedParameters(groups: TensorGroup[]): number {
  return groups.filter((group) => !group.mtp).reduce((sum, group) => sum + group.rows * group.cols * group.count * group.activeShare, 0);
}
