import { DevupError } from '../../errors.js';
import type { EngineName } from '../planner/engine-name.js';
import type { Plan } from '../planner/plan-types.js';
import { llamaServerRecipe } from './llama-server-recipe.js';
import { ollamaRecipe } from './ollama-recipe.js';
import type { EngineRecipe, EngineRecipeBuilder, NodeSlot, RecipeOptions } from './recipe-types.js';
import { sglangRecipe } from './sglang-recipe.js';
import { shellJoin } from './shell-quote.js';
import { vllmRecipe } from './vllm-recipe.js';

export const recipeBuilders: Record<EngineName, EngineRecipeBuilder> = {
  vllm: vllmRecipe,
  sglang: sglangRecipe,
  'llama-server': llamaServerRecipe,
  ollama: ollamaRecipe,
};

/**
 * The launch commands of a plan, node by node, as a person types them (leader address
 * `LEADER_IP`, ranks counted from 0).
 *
 * @example recipeFor(plan).shell // ['# node 0 (leader)', 'python3 -m sglang.launch_server --model-path deepseek-ai/DeepSeek-V3 --tp 16 …']
 */
export function recipeFor(plan: Plan, options: RecipeOptions = {}): EngineRecipe {
  const builder = recipeBuilders[plan.engine];
  if (plan.nodes > 1 && !builder.multiNode) {
    throw new DevupError('invalid_request', `${plan.engine} serves from one node; this plan needs ${plan.nodes}`, { param: 'engine' });
  }
  const resolved = resolveOptions(plan, options, builder);
  const nodes = Array.from({ length: plan.nodes }, (_, rank) => {
    const slot: NodeSlot = {
      role: rank === 0 ? 'leader' : 'worker',
      rank: String(rank),
      leaderAddress: 'LEADER_IP',
      groupSize: String(plan.nodes),
    };
    return { role: slot.role, rank, argv: builder.argv(plan, slot, resolved) };
  });
  const env = builder.env?.(plan, resolved) ?? {};
  const exports = Object.entries(env).map(([name, value]) => `export ${name}=${value}`);
  const shell = nodes.flatMap((node) => [
    ...(plan.nodes > 1 ? [`# node ${node.rank} (${node.role})`] : []),
    ...(node.role === 'leader' ? [...exports, ...(builder.setup?.(plan, resolved) ?? [])] : []),
    shellJoin(node.argv),
  ]);
  return {
    engine: plan.engine,
    image: builder.image,
    port: resolved.port,
    healthPath: builder.healthPath,
    env,
    files: builder.files?.(plan, resolved) ?? [],
    nodes,
    shell,
    notes: builder.notes?.(plan) ?? [],
  };
}

export function resolveOptions(plan: Plan, options: RecipeOptions, builder: EngineRecipeBuilder): Required<RecipeOptions> {
  const isGguf = plan.engine === 'llama-server' || plan.engine === 'ollama';
  const defaultModel = isGguf ? `/models/${plan.model}.${plan.dtype}.gguf` : (plan.repo ?? plan.model);
  return {
    model: options.model ?? defaultModel,
    servedModelName: options.servedModelName ?? plan.model,
    port: options.port ?? builder.defaultPort,
    host: options.host ?? '127.0.0.1',
  };
}
