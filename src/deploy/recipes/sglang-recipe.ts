import type { EngineRecipeBuilder } from './recipe-types.js';
import { checkpointNotes, needsRemoteCode, quantizesOnline, servingSlots } from './recipe-flags.js';

/**
 * SGLang's server, one TP group over every GPU (DeepSeek-V3's README: `--tp 16 --dist-init-addr
 * LEADER:5000 --nnodes 2 --node-rank R --trust-remote-code`). Every node runs the same command with
 * its rank; rank 0 serves HTTP. MoE models spread experts over the group (`--ep-size`).
 *
 * @example sglangRecipe.argv(plan, { role: 'worker', rank: '1', leaderAddress: '10.0.0.1', groupSize: '2' }, options)
 */
export const sglangRecipe: EngineRecipeBuilder = {
  image: 'lmsysorg/sglang:latest',
  defaultPort: 30000,
  healthPath: '/health',
  multiNode: true,
  argv(plan, slot, options) {
    const argv = ['python3', '-m', 'sglang.launch_server', '--model-path', options.model, '--served-model-name', options.servedModelName];
    argv.push('--host', options.host, '--port', String(options.port), '--tp', String(plan.tensorParallel));
    if (plan.expertParallel > 1) argv.push('--ep-size', String(plan.expertParallel));
    if (plan.nodes > 1) argv.push('--dist-init-addr', `${slot.leaderAddress}:5000`, '--nnodes', slot.groupSize, '--node-rank', slot.rank);
    argv.push(
      '--context-length',
      String(plan.context),
      '--max-running-requests',
      String(servingSlots(plan, 256)),
      '--mem-fraction-static',
      '0.9',
    );
    if (plan.kvDtype === 'fp8') argv.push('--kv-cache-dtype', 'fp8_e4m3');
    if (quantizesOnline(plan)) argv.push('--quantization', 'fp8');
    if (needsRemoteCode(plan)) argv.push('--trust-remote-code');
    return argv;
  },
  notes(plan) {
    const multiNode =
      plan.nodes > 1
        ? ['Run the same command on every node with its --node-rank; port 5000 on the leader must be reachable from the workers.']
        : [];
    return [...multiNode, ...checkpointNotes(plan)];
  },
};
