import { LlamaGrammarEvaluationState, TokenBias, type LlamaGrammar, type LlamaModel, type Token } from 'node-llama-cpp';
import type { CompiledConstraint } from '../grammar/output-constraint.js';
import type { StopMatcher } from './stop-matcher.js';

/**
 * Logit added to closing tokens (and taken off opening ones) once the budget runs low: enough to
 * outweigh any preference of the model, so the grammar's closing characters win wherever it
 * allows them (a milder push loses to a small model's habit of writing `",` after a quote).
 */
const closingLogit = 100;

/**
 * One generation held to a grammar. It gives the sampler the grammar's evaluation state, lets go
 * of it when the answer turns out to be free text (`orFreeText`: the first non-blank character is
 * not `{`), routes the text past the stop sequences while the grammar holds it (the grammar ends
 * the answer; a stop must not cut its JSON), and, once fewer than `closingReserve` tokens of the
 * budget are left, pushes the sampler toward the tokens that close strings, arrays and objects, so
 * that even a model that never closes a string on its own (stories260K) ends with a whole value.
 *
 * @example
 *   const hold = new GrammarHold(engine.model, await engine.grammar(compiled.grammar), compiled, maxTokens);
 *   sequence.evaluate(tokens, { grammarEvaluationState: hold.state, tokenBias: hold.bias(() => generated.length) });
 */
export class GrammarHold {
  private readonly evaluation: LlamaGrammarEvaluationState;
  /** Undecided: free text or JSON, not known yet (only blanks so far); free: the grammar let go. */
  private mode: 'undecided' | 'json' | 'free';
  /** Text held back while undecided. */
  private blanks = '';
  private readonly noBias: TokenBias;
  private readonly closing: TokenBias;

  constructor(
    model: LlamaModel,
    grammar: LlamaGrammar,
    private readonly constraint: CompiledConstraint,
    private readonly budget: number,
  ) {
    this.evaluation = new LlamaGrammarEvaluationState({ model, grammar });
    this.mode = constraint.orFreeText ? 'undecided' : 'json';
    this.noBias = new TokenBias(model.tokenizer);
    this.closing = closingBias(model);
  }

  /** For `grammarEvaluationState`: read before each token is sampled. */
  readonly state = (): LlamaGrammarEvaluationState | undefined => (this.mode === 'free' ? undefined : this.evaluation);

  /** For `tokenBias`: the closing push once `generated()` tokens leave less than the reserve, on JSON only. */
  bias(generated: () => number): () => TokenBias {
    return () => (this.mode === 'json' && this.budget - generated() <= this.constraint.closingReserve ? this.closing : this.noBias);
  }

  /**
   * Passes decoded text on: held JSON as it is, free text through `matcher` (which the caller
   * created with the request's stop sequences).
   */
  pass(text: string, matcher: StopMatcher): { text: string; stopped: boolean } {
    if (this.mode === 'free') return matcher.push(text);
    if (this.mode === 'json') return { text, stopped: false };
    const seen = this.blanks + text;
    const first = seen.trimStart()[0];
    this.blanks = first === undefined ? seen : '';
    if (first === undefined) return { text: '', stopped: false };
    this.mode = first === '{' ? 'json' : 'free';
    return this.mode === 'json' ? { text: seen, stopped: false } : matcher.push(seen);
  }

  /** Text held back while undecided, at the end of the generation. */
  flush(): string {
    const rest = this.blanks;
    this.blanks = '';
    return rest;
  }
}

const closingBiases = new WeakMap<LlamaModel, TokenBias>();

/** Tokens made only of `"`, `]` and `}` pushed up, those made only of `{` and `[` down (one set per model). */
function closingBias(model: LlamaModel): TokenBias {
  const known = closingBiases.get(model);
  if (known) return known;
  const bias = new TokenBias(model.tokenizer);
  const single = (text: string): Token | undefined => {
    const tokens = model.tokenize(text, false, 'trimLeadingSpace');
    return tokens.length === 1 && model.detokenize(tokens) === text ? tokens[0] : undefined;
  };
  for (const [characters, logit] of [
    ['"]}', closingLogit],
    ['{[', -closingLogit],
  ] as const) {
    for (const text of combinations(characters, 3)) {
      const token = single(text);
      if (token !== undefined) bias.set(token, { logit });
    }
  }
  closingBiases.set(model, bias);
  return bias;
}

/** Every string of 1 to `length` characters drawn from `characters`. */
function combinations(characters: string, length: number): string[] {
  let level = [''];
  const all: string[] = [];
  for (let size = 1; size <= length; size++) {
    level = level.flatMap((prefix) => [...characters].map((character) => prefix + character));
    all.push(...level);
  }
  return all;
}
