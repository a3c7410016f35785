/** Serving engines the planner lays out and writes launch commands for. */
export const engineNames = ['vllm', 'sglang', 'llama-server', 'ollama'] as const;
export type EngineName = (typeof engineNames)[number];

/** llama.cpp-based engines split by layers and read GGUF files; vLLM and SGLang shard tensors. */
export function isLlamaCppEngine(engine: EngineName): boolean {
  return engine === 'llama-server' || engine === 'ollama';
}
