import type { ArchitectureSpec, WeightDtype } from './architecture-spec.js';
import type { EngineName } from './engine-name.js';
import type { ParallelLayout } from './parallel-layout.js';
import type { KvDtype } from './weight-bytes.js';

/** What one GPU of the layout holds, in bytes. */
export interface GpuMemory {
  memoryBytes: number;
  /** memoryBytes × the engine's memory fraction (vLLM's gpu_memory_utilization, 0.9). */
  usableBytes: number;
  weightsBytes: number;
  activationBytes: number;
  runtimeBytes: number;
  /** What is left for the KV cache; negative when the weights do not fit. */
  kvFreeBytes: number;
}

/** One engine's layout of the same request. */
export interface EngineLayout extends ParallelLayout {
  fits: boolean;
  concurrentSequences: number;
}

/** A layout that would serve the request, offered when the asked one cannot. */
export interface PlanAlternative {
  gpu: string;
  dtype: WeightDtype;
  gpuCount: number;
  nodes: number;
}

/**
 * The planner's answer. JSON of `devup plan --json` and `POST /api/plan`.
 *
 * @example { weightsBytes: 688_5…, kvBytesPerToken: 70272, minGpus: 6, gpuCount: 8, nodes: 1, gpusPerNode: 8, tensorParallel: 8, … }
 */
export interface Plan extends ParallelLayout {
  model: string;
  family: string;
  attention: 'MHA' | 'GQA' | 'MQA' | 'MLA';
  repo?: string;
  gpu: { id: string; name: string; memoryBytes: number; resource: string };
  engine: EngineName;
  dtype: WeightDtype;
  /** The dtype the model's checkpoint ships in; recipes quantize online or ask for another checkpoint when `dtype` differs. */
  checkpointDtype: WeightDtype;
  kvDtype: KvDtype;
  context: number;
  concurrency: number;
  parameters: { total: number; mainModel: number; mtp: number; activated: number };
  weightsBytes: number;
  kvBytesPerToken: number;
  /** KV of one sequence at `context` (sliding-window layers capped at their window). */
  kvBytesPerSequence: number;
  /** Fewest GPUs whose memory holds the weights plus runtime overhead, before layout rules. */
  minGpus: number;
  fits: boolean;
  perGpu: GpuMemory;
  /** Sequences of `context` tokens the free KV memory holds at once. */
  concurrentSequences: number;
  /** Set when the layout cannot serve the request: how much is missing. */
  shortfall?: { bytesPerGpu: number; bytes: number; message: string };
  alternatives: PlanAlternative[];
  /** The same request laid out by each engine (null where the engine cannot serve the dtype). */
  engineLayouts: Partial<Record<EngineName, EngineLayout | null>>;
  notes: string[];
}

export interface PlanRequest {
  spec: ArchitectureSpec;
  /** Model id or config path, for display. */
  model: string;
  gpu?: string;
  /** Serve in this dtype; default: the checkpoint's own. */
  dtype?: WeightDtype;
  kvDtype?: KvDtype;
  /** Tokens per sequence; default: the model's maximum, capped at 32K. */
  context?: number;
  /** Sequences that must fit at `context` at once; default 1. */
  concurrency?: number;
  engine?: EngineName;
  /** Pin the GPU count (what you have) instead of searching the fewest. */
  gpus?: number;
  gpuMemoryUtilization?: number;
}
