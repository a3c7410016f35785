import type { CompiledConstraint } from '../grammar/output-constraint.js';

/** What one generation asks of the sampler and when to stop. */
export interface GenerationSettings {
  /** Undefined: until the context is full. */
  maxTokens?: number;
  temperature: number;
  topP?: number;
  topK?: number;
  /** Undefined: a fresh random seed per request. */
  seed?: number;
  stop: string[];
  presencePenalty: number;
  frequencyPenalty: number;
  /** A grammar the text is held to (JSON per a schema, or free text); stops apply to free text only. */
  constraint?: CompiledConstraint;
}
