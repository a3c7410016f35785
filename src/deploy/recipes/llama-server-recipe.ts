import type { EngineRecipeBuilder } from './recipe-types.js';
import { servingSlots } from './recipe-flags.js';

const rpcPort = 50052;

/**
 * llama.cpp's `llama-server`: `-c` is the context of all slots together, so it is the plan's
 * context × `--parallel`; `-ngl 999` offloads every layer, split across the node's GPUs by layer.
 * Across nodes, workers run `rpc-server` and the leader lists them in `--rpc`.
 *
 * @example llamaServerRecipe.argv(plan, leaderSlot, { model: '/models/qwen2.5-72b.q4_k_m.gguf', … })
 */
export const llamaServerRecipe: EngineRecipeBuilder = {
  image: 'ghcr.io/ggml-org/llama.cpp:server-cuda',
  defaultPort: 8080,
  healthPath: '/health',
  multiNode: true,
  argv(plan, slot, options) {
    if (slot.role === 'worker') return ['rpc-server', '--host', '0.0.0.0', '--port', String(rpcPort)];
    const parallel = servingSlots(plan, 16);
    const argv = [
      'llama-server',
      '-m',
      options.model,
      '-c',
      String(plan.context * parallel),
      '-ngl',
      '999',
      '--parallel',
      String(parallel),
    ];
    argv.push('--host', options.host, '--port', String(options.port), '--alias', options.servedModelName);
    if (plan.gpusPerNode > 1) argv.push('--split-mode', 'layer');
    if (plan.kvDtype === 'fp8') argv.push('--flash-attn', 'on', '--cache-type-k', 'q8_0', '--cache-type-v', 'q8_0');
    if (plan.nodes > 1) {
      const workers = Array.from({ length: plan.nodes - 1 }, (_, index) => `WORKER_${index + 1}_IP:${rpcPort}`);
      argv.push('--rpc', workers.join(','));
    }
    return argv;
  },
  notes(plan) {
    const notes = [`-m expects a ${plan.dtype.toUpperCase()} GGUF file of the model.`];
    if (plan.nodes > 1) notes.push('Workers expose their GPUs over llama.cpp RPC; keep that port on a private network.');
    return notes;
  },
};
