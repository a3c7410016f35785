import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { DevupError } from '../../errors.js';
import { readGgufSetHeader } from '../../engine/gguf/gguf-split.js';
import { importGguf } from '../../library/importers/gguf-import.js';
import { describeGguf } from '../../engine/gguf/gguf-model-info.js';
import type { ModelImport } from '../../library/model-input.js';
import { EmbeddedEngine } from '../../engine/runtime/embedded-engine.js';
import { EmbeddedProvider } from '../../providers/embedded/embedded-provider.js';
import { EngineHolder } from '../../engine/runtime/engine-holder.js';
import { parseOrThrow } from '../../validation.js';
import type { DeploymentTarget } from '../deployment-target.js';

const specSchema = z
  .object({
    /** The GGUF file: absolute, or relative to `<dataDir>/models/` (where `devup pull` saves). */
    file: z.string().min(1),
    /** Tokens per sequence (prompt + completion); default the trained length, at most 2048. */
    contextSize: z.number().int().min(64).max(1_048_576).optional(),
    /** Requests decoding together in one batch. */
    parallel: z.number().int().min(1).max(64).default(4),
    /** llama.cpp threads; default DEVUP_ENGINE_THREADS (1, measured fastest on a 2-core host). */
    threads: z.number().int().min(1).max(256).optional(),
    /** Requests that may wait for a free sequence; beyond them the answer is 503 with Retry-After. */
    queueSize: z.number().int().min(0).max(100_000).default(64),
    /** Unload the model after this many seconds without requests (0: never); the next request loads it again. */
    idleTimeoutSeconds: z.number().int().min(0).max(604_800).default(0),
  })
  .strict();

export type EmbeddedSpec = z.output<typeof specSchema>;

export interface EmbeddedTargetOptions {
  config: Pick<Config, 'dataDir' | 'engineThreads'>;
  /** Writes a GGUF header's model into the library (fills or updates the entry); enables `resolveModel`. */
  importModel?(model: ModelImport): Promise<{ id: string }>;
}

/**
 * Target `embedded`: a GGUF file loaded in this process by llama.cpp (node-llama-cpp), one
 * context of `parallel` sequences decoded together. The file is checked (GGUF, complete) when
 * the spec is parsed, so a bad file is refused before a deployment is recorded.
 *
 * @example { "kind": "embedded", "spec": { "file": "stories260K.gguf", "parallel": 8, "idleTimeoutSeconds": 600 } }
 */
export function createEmbeddedTarget(options: EmbeddedTargetOptions): DeploymentTarget<EmbeddedSpec> {
  const modelsDir = path.join(options.config.dataDir, 'models');
  return {
    kind: 'embedded',
    parseSpec(input) {
      const spec = parseOrThrow(specSchema, input, 'embedded spec');
      const file = path.resolve(modelsDir, spec.file);
      try {
        readGgufSetHeader(file);
      } catch (error) {
        if (!DevupError.isInstance(error)) throw error;
        throw new DevupError('invalid_request', `Invalid embedded spec: file: ${error.message}`, {
          fieldErrors: [{ path: 'file', message: error.message }],
        });
      }
      return { ...spec, file };
    },

    async resolveModel(spec) {
      if (!options.importModel) return undefined;
      return (await options.importModel(importGguf(spec.file).model)).id;
    },

    async start(spec, context) {
      const info = describeGguf(readGgufSetHeader(spec.file), spec.file);
      const contextSize = spec.contextSize ?? Math.min(2048, info.contextLength ?? 2048);
      const threads = spec.threads ?? options.config.engineThreads;
      let loads = 0;
      const load = () => {
        const first = loads++ === 0;
        if (!first) context.emit({ type: 'log', message: 'loading the model again after its idle unload' });
        let reported = -1;
        return EmbeddedEngine.load({
          file: spec.file,
          contextSize,
          parallel: spec.parallel,
          threads,
          queueSize: spec.queueSize,
          signal: first ? context.signal : undefined,
          onProgress(fraction) {
            const percent = Math.floor(fraction * 10) * 10;
            if (!first || percent === reported) return;
            reported = percent;
            context.emit({ type: 'state', state: 'loading', message: `loading weights ${percent}%` });
          },
        });
      };
      context.emit({
        type: 'state',
        state: 'loading',
        message: `loading ${path.basename(spec.file)} (${info.architecture}, ${info.quantization}, ${info.fileBytes} bytes): ${spec.parallel} sequences × ${contextSize} tokens, ${threads} thread(s)`,
      });
      const holder = new EngineHolder(load, spec.idleTimeoutSeconds * 1000, () =>
        context.emit({ type: 'log', message: `unloaded after ${spec.idleTimeoutSeconds}s idle; the next request loads it again` }),
      );
      (await holder.acquire()).done();
      const provider = new EmbeddedProvider({
        holder,
        file: spec.file,
        hasChatTemplate: info.chatTemplate !== null,
        name: context.deploymentName,
      });
      return {
        provider,
        address: spec.file,
        memoryBytes: () => holder.current?.memoryBytes() ?? 0,
        stop: () => provider.close(),
      };
    },
  };
}
