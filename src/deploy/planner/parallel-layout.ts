import type { ArchitectureSpec } from './architecture-spec.js';
import { isLlamaCppEngine, type EngineName } from './engine-name.js';

/** How a deployment spreads over GPUs and nodes. */
export interface ParallelLayout {
  gpuCount: number;
  nodes: number;
  gpusPerNode: number;
  tensorParallel: number;
  pipelineParallel: number;
  /** Expert-parallel group (MoE on vLLM/SGLang: the tensor-parallel group); 1 when experts are not spread. */
  expertParallel: number;
  /** `tensor`: each layer sharded (vLLM, SGLang); `layer`: whole layers per GPU (llama.cpp). */
  split: 'tensor' | 'layer';
}

/**
 * The layouts an engine can run, fewest GPUs first: 1…gpusPerNode on one node, then whole nodes.
 * vLLM and SGLang need a tensor-parallel size that divides the attention heads (and the KV heads,
 * or is a multiple of them, since vLLM replicates KV heads). vLLM spans nodes with TP = GPUs per
 * node and PP = nodes (its multi-node advice); SGLang with one TP group over all GPUs. MoE layouts
 * keep the GPU count a divisor of the routed experts, so expert parallel gives every GPU the same
 * experts (256 experts over 24 GPUs would leave some GPUs an extra expert each layer). llama.cpp
 * splits whole layers, on one node (Ollama) or across nodes over RPC (llama-server).
 *
 * @example candidateLayouts(deepseekV3, 8, 'vllm')[0] // { gpuCount: 1, tensorParallel: 1, … }
 */
export function candidateLayouts(spec: ArchitectureSpec, gpusPerNode: number, engine: EngineName, maxNodes = 64): ParallelLayout[] {
  const counts: Array<{ gpuCount: number; nodes: number }> = [];
  for (let gpuCount = 1; gpuCount <= gpusPerNode; gpuCount += 1) counts.push({ gpuCount, nodes: 1 });
  if (engine !== 'ollama') for (let nodes = 2; nodes <= maxNodes; nodes += 1) counts.push({ gpuCount: nodes * gpusPerNode, nodes });
  return counts.flatMap(({ gpuCount, nodes }) => {
    const layout = layoutFor(spec, engine, gpuCount, nodes, gpusPerNode);
    return layout ? [layout] : [];
  });
}

function layoutFor(
  spec: ArchitectureSpec,
  engine: EngineName,
  gpuCount: number,
  nodes: number,
  gpusPerNode: number,
): ParallelLayout | undefined {
  const perNode = nodes === 1 ? gpuCount : gpusPerNode;
  if (isLlamaCppEngine(engine)) {
    if (gpuCount > spec.layers) return undefined;
    return { gpuCount, nodes, gpusPerNode: perNode, tensorParallel: 1, pipelineParallel: gpuCount, expertParallel: 1, split: 'layer' };
  }
  if (spec.moe && spec.moe.experts % gpuCount !== 0) return undefined;
  const tensorParallel = engine === 'vllm' && nodes > 1 ? gpusPerNode : gpuCount;
  const pipelineParallel = gpuCount / tensorParallel;
  if (!dividesHeads(spec, tensorParallel) || pipelineParallel > spec.layers) return undefined;
  return {
    gpuCount,
    nodes,
    gpusPerNode: perNode,
    tensorParallel,
    pipelineParallel,
    expertParallel: spec.moe && tensorParallel > 1 ? tensorParallel : 1,
    split: 'tensor',
  };
}

function dividesHeads(spec: ArchitectureSpec, tensorParallel: number): boolean {
  const attention = spec.attention;
  if (attention.heads % tensorParallel !== 0) return false;
  if (attention.kind === 'mla') return true;
  return attention.kvHeads % tensorParallel === 0 || tensorParallel % attention.kvHeads === 0;
}

/** Share of the weights the busiest GPU holds: pipeline stages get whole layers, so one may get more. */
export function busiestGpuShare(spec: ArchitectureSpec, layout: ParallelLayout): number {
  const stages = layout.pipelineParallel;
  const stageShare = Math.ceil(spec.layers / stages) / spec.layers;
  return stageShare / layout.tensorParallel;
}

/**
 * Share of the KV cache one GPU holds. Sharded KV heads split it over the TP group (heads beyond
 * the KV-head count are replicas); MLA's latent is not split by head, so every TP rank keeps it all.
 */
export function kvShareForGpu(spec: ArchitectureSpec, layout: ParallelLayout): number {
  const stageShare = Math.ceil(spec.layers / layout.pipelineParallel) / spec.layers;
  const attention = spec.attention;
  const tensorShare = attention.kind === 'mla' ? 1 : 1 / Math.min(layout.tensorParallel, attention.kvHeads);
  return stageShare * tensorShare;
}
