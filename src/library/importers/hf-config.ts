import type { ModelImport } from '../model-input.js';

export interface ConfigOptions {
  id: string;
  name?: string;
  publisher?: string;
}

const expertKeys = ['n_routed_experts', 'num_local_experts', 'num_experts'] as const;

/**
 * Hugging Face `config.json` → model input: architecture kind (MoE when the config routes to
 * experts), context length (`max_position_embeddings`), and the config itself as `spec` for the
 * planner. Fields it cannot know (name, description, results) are left to the existing card
 * or to defaults. Parameter counts are not derived here (they depend on the architecture's code).
 *
 * @example parseHfConfig(JSON.parse(configText), { id: 'deepseek-v3' }).architecture // 'MoE'
 */
export function parseHfConfig(config: Record<string, unknown>, options: ConfigOptions): ModelImport {
  const experts = expertKeys.map((key) => config[key]).find((value) => typeof value === 'number');
  const contextLength = config.max_position_embeddings;
  return {
    id: options.id,
    ...(options.name ? { name: options.name } : {}),
    ...(options.publisher ? { publisher: options.publisher } : {}),
    architecture: typeof experts === 'number' && experts > 1 ? 'MoE' : 'Dense',
    contextLength: typeof contextLength === 'number' && Number.isInteger(contextLength) && contextLength > 0 ? contextLength : null,
    openWeights: true,
    spec: config,
    source: 'config.json',
  };
}
