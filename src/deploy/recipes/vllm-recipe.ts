import type { Plan } from '../planner/plan-types.js';
import { shellJoin } from './shell-quote.js';
import type { EngineRecipeBuilder } from './recipe-types.js';
import { checkpointNotes, needsRemoteCode, quantizesOnline, servingSlots } from './recipe-flags.js';

/**
 * vLLM's OpenAI server. One node: `vllm serve … --tensor-parallel-size N`. Several nodes: a Ray
 * cluster (leader `ray start --head`, workers join it and block) and the leader serves with
 * TP = GPUs per node and PP = nodes, as vLLM's distributed-serving guide advises.
 *
 * @example vllmRecipe.argv(plan, { role: 'leader', rank: '0', leaderAddress: 'LEADER_IP', groupSize: '2' }, options)
 */
export const vllmRecipe: EngineRecipeBuilder = {
  image: 'vllm/vllm-openai:latest',
  defaultPort: 8000,
  healthPath: '/health',
  multiNode: true,
  argv(plan, slot, options) {
    const serve = serveArguments(plan, slot, options);
    if (plan.nodes === 1) return serve;
    if (slot.role === 'worker') return ['sh', '-c', `ray start --address=${slot.leaderAddress}:6379 --block`];
    return ['sh', '-c', `ray start --head --port=6379 && ${shellJoin(serve)}`];
  },
  notes(plan) {
    const multiNode =
      plan.nodes > 1 ? ['Start the leader first; the workers join its Ray cluster (port 6379), then vLLM places one rank per GPU.'] : [];
    return [...multiNode, ...checkpointNotes(plan)];
  },
};

function serveArguments(
  plan: Plan,
  slot: { groupSize: string },
  options: { model: string; servedModelName: string; port: number; host: string },
): string[] {
  const argv = [
    'vllm',
    'serve',
    options.model,
    '--served-model-name',
    options.servedModelName,
    '--host',
    options.host,
    '--port',
    String(options.port),
  ];
  argv.push('--tensor-parallel-size', String(plan.tensorParallel));
  if (plan.nodes > 1) argv.push('--pipeline-parallel-size', slot.groupSize, '--distributed-executor-backend', 'ray');
  if (plan.expertParallel > 1) argv.push('--enable-expert-parallel');
  argv.push('--max-model-len', String(plan.context), '--max-num-seqs', String(servingSlots(plan, 256)), '--gpu-memory-utilization', '0.9');
  if (plan.kvDtype === 'fp8') argv.push('--kv-cache-dtype', 'fp8');
  if (quantizesOnline(plan)) argv.push('--quantization', 'fp8');
  if (needsRemoteCode(plan)) argv.push('--trust-remote-code');
  return argv;
}
