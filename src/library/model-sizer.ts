/**
 * What the planner (src/deploy/planner, a layer above the library) computes from an architecture
 * description, handed to the library at start (`LibraryService` option `sizer`) so that card
 * parameter counts and the variants' memory needs come from the same exact tensor accounting that
 * plans deployments, never from a second formula.
 */
export interface ModelSizer {
  /**
   * Reads a `config.json` (or a GGUF metadata map) the way the planner does; throws
   * DevupError('invalid_request') naming `source` when it cannot.
   */
  describe(description: Record<string, unknown>, source: string): ArchitectureFacts;
  /** Memory to serve a checkpoint of `weightsBytes` of this architecture, one sequence of `context` tokens. */
  memory(description: Record<string, unknown>, source: string, request: MemoryRequest): VariantMemory;
}

export interface ArchitectureFacts {
  architecture: 'MoE' | 'Dense';
  attention: 'MHA' | 'GQA' | 'MQA' | 'MLA';
  /** Parameters of the main model (multi-token-prediction modules counted apart, as publishers count). */
  totalParams: number;
  activatedParams: number;
  /** Parameters of the multi-token-prediction modules the checkpoint ships (0 when none). */
  mtpParams: number;
  contextLength: number;
  layers: number;
  /** The checkpoint's dtype: `bf16`, `fp8`, `mxfp4`… */
  checkpointDtype: string;
}

export interface MemoryRequest {
  weightsBytes: number;
  /** `llama.cpp` for GGUF files (CPU or GPU), `vllm` for safetensors checkpoints (GPU). */
  engine: 'llama.cpp' | 'vllm';
  /** Default: the model's context, capped at `defaultVariantContext`. */
  context?: number;
}

export interface VariantMemory {
  context: number;
  /** Weights, KV cache (16-bit) and compute buffers in system memory, running on CPU; null where the engine needs a GPU. */
  ramBytes: number | null;
  /** The same on one GPU, with the engine's runtime (CUDA context, graphs). */
  vramBytes: number;
}

/** The context the variants table sizes memory for (a model with a shorter one uses its own). */
export const defaultVariantContext = 8192;
