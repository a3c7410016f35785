import { DevupError } from '../../errors.js';
import type { ArchitectureSpec } from './architecture-spec.js';
import { kvBytesPerSequence } from './kv-cache.js';
import { activationBytes } from './memory-budget.js';
import { kvDtypeBytes } from './weight-bytes.js';

/** llama.cpp allocates KV cells in blocks of 256; a context that is not a multiple wastes the rest. */
const contextStep = 256;
/** Share of the available memory left to everything else on the host (other processes, page cache, growth). */
const marginShare = 0.1;

export interface EmbeddedContextInput {
  /** The model's architecture (from its GGUF metadata: `readGgufMetadata`); `maxContext` is its trained length. */
  spec: ArchitectureSpec;
  /** Bytes of the GGUF file(s): the weights llama.cpp maps into memory. */
  weightsBytes: number;
  /** Sequences of one context (the spec's `parallel`); each holds its own `contextSize` tokens of KV cache. */
  sequences: number;
  /** Memory this process may still use (`process.availableMemory()`, else `os.freemem()`). */
  availableBytes: number;
}

export interface EmbeddedContextFit {
  /** Tokens per sequence: the trained length when it fits, else the most that fits (a multiple of 256). */
  contextSize: number;
  trainedContext: number;
  limitedBy: 'trained' | 'memory';
  /** 16-bit KV cache of one token over every layer (sliding-window layers count until their window fills). */
  kvBytesPerToken: number;
  /** What the KV cache may take: available memory less weights, one prefill chunk of activations and the margin. */
  kvBudgetBytes: number;
}

/**
 * The context the embedded engine serves when the spec names none: the planner's own numbers
 * (16-bit KV cache per attention kind and sliding window, llama.cpp's prefill activations) against
 * the memory this host has left, less the weights and a 10 % margin, capped at the trained length.
 * Throws `unavailable` when not even 256 tokens fit.
 *
 * @example fitEmbeddedContext({ spec: llama31_8b, weightsBytes: 4.92e9, sequences: 4, availableBytes: 16 * 2 ** 30 }).contextSize // 19968
 */
export function fitEmbeddedContext(input: EmbeddedContextInput): EmbeddedContextFit {
  const { spec, sequences } = input;
  const trainedContext = spec.maxContext;
  const kvBytes = (context: number) => sequences * kvBytesPerSequence(spec, kvDtypeBytes.fp16, context);
  const reserved = input.weightsBytes + activationBytes(spec, 'llama-server', 1) + input.availableBytes * marginShare;
  const kvBudgetBytes = Math.max(0, Math.floor(input.availableBytes - reserved));
  const kvBytesPerToken = kvBytesPerSequence(spec, kvDtypeBytes.fp16, 1);
  if (kvBytes(trainedContext) <= kvBudgetBytes) {
    return { contextSize: trainedContext, trainedContext, limitedBy: 'trained', kvBytesPerToken, kvBudgetBytes };
  }
  // KV bytes grow with the context (linearly, or slower once sliding windows are full): the largest fitting step.
  let fitting = 0;
  let tooLarge = Math.ceil(trainedContext / contextStep);
  while (tooLarge - fitting > 1) {
    const middle = Math.floor((fitting + tooLarge) / 2);
    if (kvBytes(middle * contextStep) <= kvBudgetBytes) fitting = middle;
    else tooLarge = middle;
  }
  if (fitting === 0) {
    throw new DevupError(
      'unavailable',
      `not enough free memory for the embedded model: ${format(input.availableBytes)} available, ${format(reserved)} taken by its weights (${format(input.weightsBytes)}), buffers and a ${marginShare * 100} % margin, and ${sequences} × ${contextStep} tokens of KV cache need ${format(kvBytes(contextStep))} more; free memory, lower parallel or set contextSize`,
    );
  }
  return { contextSize: fitting * contextStep, trainedContext, limitedBy: 'memory', kvBytesPerToken, kvBudgetBytes };
}

function format(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}
