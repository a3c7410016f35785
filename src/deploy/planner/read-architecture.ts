import { DevupError } from '../../errors.js';
import { parseArchitectureSpec, type ArchitectureSpec } from './architecture-spec.js';
import { isObject } from './config-fields.js';
import { readDeepSeekConfig } from './read-deepseek-config.js';
import { readGgufMetadata } from './read-gguf-metadata.js';
import { readHuggingFaceConfig } from './read-hugging-face-config.js';
import { withTransformersDefaults } from './transformers-defaults.js';

/**
 * Reads any architecture description the planner accepts, telling the formats apart by their keys:
 * our own format (`hiddenSize`, `attention`), DeepSeek's (`dim`, `n_layers`), a GGUF metadata map
 * (`general.architecture`, also nested as a GGUF import's `ggufMetadata`) or a Hugging Face
 * `config.json` (everything else).
 *
 * @example readArchitecture(JSON.parse(text), 'DeepSeek-V3/config.json')
 */
export function readArchitecture(input: unknown, source = 'config'): ArchitectureSpec {
  if (!isObject(input)) throw new DevupError('invalid_request', `${source} is not a JSON object`, { param: 'config' });
  if ('hiddenSize' in input && 'attention' in input) return parseArchitectureSpec(input, source);
  if ('general.architecture' in input) return readGgufMetadata(input, source);
  // The library's GGUF importer keeps the header's metadata map under `ggufMetadata`.
  if (isObject(input.ggufMetadata)) {
    const spec = readGgufMetadata(input.ggufMetadata, source);
    return typeof input.fileBytes === 'number' ? { ...spec, weights: { ...spec.weights, bytes: input.fileBytes } } : spec;
  }
  if ('dim' in input && 'n_layers' in input) return readDeepSeekConfig(input, source);
  // Multimodal configs nest the language model (Llama-4, Gemma-3, Qwen-VL).
  if (isObject(input.text_config) && !('num_hidden_layers' in input))
    return readHuggingFaceConfig(withTransformersDefaults({ ...input, ...input.text_config }), source);
  return readHuggingFaceConfig(withTransformersDefaults(input), source);
}
