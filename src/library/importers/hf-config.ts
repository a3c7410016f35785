import { DevupError } from '../../errors.js';
import type { ModelImport } from '../model-input.js';
import type { ArchitectureFacts, ModelSizer } from '../model-sizer.js';

export interface ConfigOptions {
  id: string;
  name?: string;
  publisher?: string;
  /** The planner's reading of the config; without it only the expert keys and context are looked at. */
  sizer?: ModelSizer;
  /** Names the config in the planner's errors, e.g. `config.json of Qwen/Qwen2.5-7B-Instruct@main`. */
  source?: string;
}

export interface ConfigImport {
  model: ModelImport;
  /** What the planner read from it; undefined when it could not (then `problem` says why). */
  facts?: ArchitectureFacts;
  problem?: string;
}

const expertKeys = ['n_routed_experts', 'num_local_experts', 'num_experts'] as const;

/**
 * Hugging Face `config.json` → model input: architecture kind, total and activated parameters
 * (counted by the planner from the checkpoint's tensors, MTP modules apart), context length, and
 * the config itself as `spec` for the planner. A config the planner cannot read (an architecture
 * it does not know) still gives the kind and context from its keys; `problem` says what is missing.
 * Fields it cannot know (name, description, results) are left to the existing card or to defaults.
 *
 * @example modelFromConfig(config, { id: 'deepseek-v2-lite', sizer: plannerSizer }).model.totalParams // 15_706_484_224
 */
export function modelFromConfig(config: Record<string, unknown>, options: ConfigOptions): ConfigImport {
  let facts: ArchitectureFacts | undefined;
  let problem: string | undefined;
  if (options.sizer) {
    try {
      facts = options.sizer.describe(config, options.source ?? 'config.json');
    } catch (error) {
      if (!DevupError.isInstance(error) || error.code !== 'invalid_request') throw error;
      problem = error.message;
    }
  }
  const experts = expertKeys.map((key) => config[key]).find((value) => typeof value === 'number');
  const declaredContext = config.max_position_embeddings;
  const contextLength =
    facts?.contextLength ??
    (typeof declaredContext === 'number' && Number.isInteger(declaredContext) && declaredContext > 0 ? declaredContext : undefined);
  const model: ModelImport = {
    id: options.id,
    ...(options.name ? { name: options.name } : {}),
    ...(options.publisher ? { publisher: options.publisher } : {}),
    architecture: facts?.architecture ?? (typeof experts === 'number' && experts > 1 ? 'MoE' : 'Dense'),
    ...(facts ? { totalParams: facts.totalParams, activatedParams: facts.activatedParams } : {}),
    ...(contextLength === undefined ? {} : { contextLength }),
    openWeights: true,
    spec: config,
    source: options.source ?? 'config.json',
  };
  return { model, facts, problem };
}
