import type { LlamaContextSequence, SequenceEvaluateOptions, Token } from 'node-llama-cpp';
import { DevupError } from '../../errors.js';
import type { EmbeddedEngine } from './embedded-engine.js';
import type { GenerationSettings } from './generation-settings.js';
import { GrammarHold } from './grammar-hold.js';
import { StopMatcher } from './stop-matcher.js';

export interface GenerationOutcome {
  finishReason: 'stop' | 'length';
  promptTokens: number;
  /** Tokens the sampler produced, counting the one that completed a stop sequence. */
  completionTokens: number;
}

/** Tokens generated so far, kept current as decoding runs (a stream cut mid-way still knows its count). */
export interface GenerationProgress {
  completionTokens: number;
}

/** Tokens that llama.cpp punishes for repetition, counted back from the newest. */
const penaltyWindow = 64;

/**
 * Decodes on one sequence, yielding text pieces as they become final (whole UTF-8 characters,
 * never part of a stop sequence), and returns the finish reason and exact token counts (also kept
 * in `progress` as they grow). Stops at once when `signal` aborts. With `settings.constraint` the sampler is held to its grammar
 * (`GrammarHold`), which ends the text itself once its JSON is complete.
 *
 * @example
 *   const pieces = generateText(engine, sequence, tokens, settings, signal, progress);
 *   for (let step = await pieces.next(); !step.done; step = await pieces.next()) write(step.value);
 */
export async function* generateText(
  engine: EmbeddedEngine,
  sequence: LlamaContextSequence,
  promptTokens: Token[],
  settings: GenerationSettings,
  signal: AbortSignal,
  progress: GenerationProgress = { completionTokens: 0 },
): AsyncGenerator<string, GenerationOutcome> {
  const room = engine.contextSize - promptTokens.length;
  if (room < 1) {
    throw new DevupError(
      'invalid_request',
      `The prompt has ${promptTokens.length} tokens; this deployment's context holds ${engine.contextSize}`,
      {
        param: 'messages',
      },
    );
  }
  const maxTokens = Math.min(settings.maxTokens ?? room, room);
  const generated: Token[] = [];
  let undecoded: Token[] = [];
  const matcher = new StopMatcher(settings.stop);
  const { constraint } = settings;
  const hold = constraint && new GrammarHold(engine.model, await engine.grammar(constraint.grammar), constraint, maxTokens);
  const pass = (text: string) => (hold ? hold.pass(text, matcher) : matcher.push(text));
  let finishReason: GenerationOutcome['finishReason'] = 'stop';
  let stopped = false;

  for await (const token of sequence.evaluate(promptTokens, evaluateOptions(settings, generated, hold))) {
    signal.throwIfAborted();
    generated.push(token);
    progress.completionTokens = generated.length;
    undecoded.push(token);
    const text = engine.model.detokenize(undecoded, false, generated.slice(-undecoded.length - 8, -undecoded.length));
    // A multi-byte character split over tokens decodes as U+FFFD until its last byte arrives.
    const incomplete = text.endsWith('\uFFFD') && undecoded.length < 4;
    if (!incomplete) {
      undecoded = [];
      const step = pass(text);
      if (step.text) yield step.text;
      stopped = step.stopped;
      if (stopped) break;
    }
    if (generated.length >= maxTokens) {
      finishReason = 'length';
      break;
    }
  }
  signal.throwIfAborted();
  if (!stopped) {
    const step = pass(
      undecoded.length > 0 ? engine.model.detokenize(undecoded, false, generated.slice(-undecoded.length - 8, -undecoded.length)) : '',
    );
    const rest = step.text + (step.stopped ? '' : (hold?.flush() ?? '') + matcher.flush());
    if (rest) yield rest;
    if (step.stopped) finishReason = 'stop';
  }
  return { finishReason, promptTokens: promptTokens.length, completionTokens: generated.length };
}

function evaluateOptions(settings: GenerationSettings, generated: Token[], hold: GrammarHold | undefined): SequenceEvaluateOptions {
  const penalised = settings.presencePenalty !== 0 || settings.frequencyPenalty !== 0;
  return {
    temperature: settings.temperature,
    topK: settings.topK,
    topP: settings.topP,
    seed: settings.seed,
    grammarEvaluationState: hold?.state,
    tokenBias: hold?.bias(() => generated.length),
    repeatPenalty: penalised
      ? {
          punishTokens: () => generated.slice(-penaltyWindow),
          maxPunishTokens: penaltyWindow,
          penalty: 1,
          presencePenalty: settings.presencePenalty,
          frequencyPenalty: settings.frequencyPenalty,
        }
      : undefined,
  };
}
