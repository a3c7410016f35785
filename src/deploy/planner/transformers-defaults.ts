/**
 * Values a `config.json` may omit because its transformers config class supplies them. Hub files
 * written by `save_pretrained` leave out keys equal to the class default, so a reader must know them
 * to size the model (Gemma-3 27B's `text_config` has no `vocab_size` or `max_position_embeddings`).
 */
const classDefaults: Record<string, Record<string, unknown>> = {
  // transformers Gemma3TextConfig.__init__
  gemma3_text: { vocab_size: 262_208, max_position_embeddings: 131_072, sliding_window_pattern: 6 },
};

/** `config` with the defaults of its `model_type`'s transformers class beneath its own keys. */
export function withTransformersDefaults(config: Record<string, unknown>): Record<string, unknown> {
  const defaults = typeof config.model_type === 'string' ? classDefaults[config.model_type] : undefined;
  return defaults ? { ...defaults, ...config } : config;
}
