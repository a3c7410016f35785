import os from 'node:os';
import { DevupError } from '../../../errors.js';
import type { GgufHeader } from '../../../engine/gguf/gguf-header.js';
import { ggufMetadataMap, type GgufModelInfo } from '../../../engine/gguf/gguf-model-info.js';
import type { TargetEvent } from '../../deployment-target.js';
import { fitEmbeddedContext } from '../../planner/embedded-context.js';
import { readGgufMetadata } from '../../planner/read-gguf-metadata.js';

/** Without an architecture the planner can read, the context the embedded engine always had. */
const unsizedContext = 2048;

/**
 * Refuses a context beyond the model's trained length (llama.cpp would run it, but the model never
 * learned positions past it); `param` is the spec's `contextSize`.
 */
export function checkContextSize(contextSize: number | undefined, info: GgufModelInfo): void {
  if (contextSize === undefined || info.contextLength === null || contextSize <= info.contextLength) return;
  throw new DevupError(
    'invalid_request',
    `contextSize ${contextSize} is beyond ${info.name}'s trained context of ${info.contextLength} tokens`,
    {
      param: 'contextSize',
    },
  );
}

/**
 * The context of a spec that names none: what fits in the memory this process may still use
 * (`process.availableMemory()`, which knows cgroup limits, else `os.freemem()`) by the planner's
 * numbers, up to the trained length; 2,048 tokens when the planner cannot read the architecture.
 * Says which in the event log.
 */
export function defaultContextSize(header: GgufHeader, info: GgufModelInfo, sequences: number, emit: (event: TargetEvent) => void): number {
  let architecture;
  try {
    architecture = readGgufMetadata(ggufMetadataMap(header), 'GGUF metadata');
  } catch (error) {
    const fallback = Math.min(unsizedContext, info.contextLength ?? unsizedContext);
    emit({ type: 'log', message: `context ${fallback}: the planner cannot size this model's KV cache (${(error as Error).message})` });
    return fallback;
  }
  const availableBytes = process.availableMemory?.() ?? os.freemem();
  const fit = fitEmbeddedContext({ spec: architecture, weightsBytes: info.fileBytes, sequences, availableBytes });
  emit({
    type: 'log',
    message: `context ${fit.contextSize} tokens per sequence: ${fit.limitedBy === 'trained' ? 'the trained length' : `what fits (trained: ${fit.trainedContext})`}; KV cache ${fit.kvBytesPerToken} bytes per token × ${sequences} sequence(s) against ${fit.kvBudgetBytes} bytes free for it`,
  });
  return fit.contextSize;
}
