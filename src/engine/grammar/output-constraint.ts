import { compileJsonSchema, type JsonSchema } from './json-schema-grammar.js';

/**
 * What a grammar holds one generation's text to. Built by a provider from its API's fields; the
 * engine knows JSON Schema, not the API.
 *
 * @example compileConstraint({ schema: { type: 'object', properties: { city: { type: 'string' } } } })
 */
export interface OutputConstraint {
  /** The answer is one compact JSON value this schema accepts. */
  schema: JsonSchema;
  /**
   * Or free text instead: an answer whose first non-blank character is not `{` is let go by the
   * grammar at that character (the schema's values must then be objects).
   */
  orFreeText?: boolean;
}

/** A constraint as the sampler takes it. */
export interface CompiledConstraint {
  /** GBNF text, root rule `root`. */
  grammar: string;
  orFreeText: boolean;
  /** Tokens kept back at the end of the budget for closing the JSON (see `GrammarHold`). */
  closingReserve: number;
}

/** Compiles a constraint; throws `UnsupportedSchemaError` for schemas the grammar cannot hold output to. */
export function compileConstraint(constraint: OutputConstraint): CompiledConstraint {
  const orFreeText = constraint.orFreeText ?? false;
  const { grammar, shortest } = compileJsonSchema(constraint.schema, { orFreeText });
  // Each token writes at least one character, so twice the shortest value plus room for closing
  // what the model opened is enough to end well in nearly every case.
  return { grammar, orFreeText, closingReserve: 2 * shortest + 16 };
}
