import type { EngineRecipeBuilder } from './recipe-types.js';
import { servingSlots } from './recipe-flags.js';

/**
 * Ollama on one node: a Modelfile that pins the context (`num_ctx`), `ollama create`, then the
 * server with `OLLAMA_NUM_PARALLEL` slots.
 *
 * @example ollamaRecipe.files!(plan, options)[0].content // 'FROM /models/…gguf\nPARAMETER num_ctx 32768\n'
 */
export const ollamaRecipe: EngineRecipeBuilder = {
  image: 'ollama/ollama:latest',
  defaultPort: 11434,
  healthPath: '/api/version',
  multiNode: false,
  argv(_plan, _slot, options) {
    return ['ollama', 'run', options.servedModelName];
  },
  env(plan, options) {
    return {
      OLLAMA_HOST: `${options.host}:${options.port}`,
      OLLAMA_NUM_PARALLEL: String(servingSlots(plan, 16)),
      OLLAMA_CONTEXT_LENGTH: String(plan.context),
      ...(plan.kvDtype === 'fp8' ? { OLLAMA_FLASH_ATTENTION: '1', OLLAMA_KV_CACHE_TYPE: 'q8_0' } : {}),
    };
  },
  files(plan, options) {
    return [{ name: 'Modelfile', content: `FROM ${options.model}\nPARAMETER num_ctx ${plan.context}\nPARAMETER num_gpu 999\n` }];
  },
  setup(_plan, options) {
    return ['ollama serve &', `ollama create ${options.servedModelName} -f Modelfile`];
  },
};
