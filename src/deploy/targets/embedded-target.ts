import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { DevupError } from '../../errors.js';
import { readGgufSetHeader } from '../../engine/gguf/gguf-split.js';
import { describeGguf } from '../../engine/gguf/gguf-model-info.js';
import { importGguf } from '../../library/importers/gguf-import.js';
import type { ModelImport } from '../../library/model-input.js';
import { findHubVariant } from '../../library/hub/find-hub-variant.js';
import type { HubClient } from '../../library/hub/hub-client.js';
import { parseHubReference } from '../../library/hub/hub-reference.js';
import { readVariantHeader } from '../../library/hub/read-remote-gguf.js';
import { EmbeddedEngine } from '../../engine/runtime/embedded-engine.js';
import { EmbeddedProvider } from '../../providers/embedded/embedded-provider.js';
import { EngineHolder } from '../../engine/runtime/engine-holder.js';
import { invalidRequest, parseOrThrow } from '../../validation.js';
import type { DeploymentTarget } from '../deployment-target.js';
import { checkContextSize, defaultContextSize } from './embedded/context-size.js';
import { hubVariantFile } from './embedded/hub-variant-file.js';

const specSchema = z
  .object({
    /** The GGUF file: absolute, or relative to `<dataDir>/models/` (where `devup pull` saves). */
    file: z.string().min(1).optional(),
    /** Or a hub repo, `hf:OWNER/REPO[@REVISION]`, whose variant is pulled into `<dataDir>/models/` when the target starts. */
    source: z.string().min(1).optional(),
    /** The variant of `source` (`Q4_K_M`, `Q8_0`…); may be left out when the repo has one. */
    quant: z.string().min(1).max(64).optional(),
    /** Tokens per sequence (prompt + completion), at most the trained length; default what fits in free memory, up to it. */
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
  .strict()
  .superRefine((spec, context) => {
    if ((spec.file === undefined) === (spec.source === undefined))
      context.addIssue({ code: 'custom', path: ['file'], message: 'give either file (a GGUF) or source (hf:OWNER/REPO[@REVISION])' });
    if (spec.quant !== undefined && spec.source === undefined)
      context.addIssue({ code: 'custom', path: ['quant'], message: 'quant picks a variant of source' });
  });

export type EmbeddedSpec = z.output<typeof specSchema>;

export interface EmbeddedTargetOptions {
  config: Pick<Config, 'dataDir' | 'engineThreads'>;
  /** Writes a GGUF header's model into the library (fills or updates the entry); enables `resolveModel`. */
  importModel?(model: ModelImport): Promise<{ id: string }>;
  /** The Hugging Face hub that `source` specs pull from; without it they are refused. */
  hub?: HubClient;
}

/**
 * Target `embedded`: a GGUF file loaded in this process by llama.cpp (node-llama-cpp), one
 * context of `parallel` sequences decoded together. A `file` is checked (GGUF, complete, trained
 * context) when the spec is parsed, a hub `source` when the deployment is created (`checkSpec`),
 * so a bad one is refused before a deployment is recorded; the variant is pulled when it starts.
 *
 * @example { "kind": "embedded", "spec": { "file": "stories260K.gguf", "parallel": 8, "idleTimeoutSeconds": 600 } }
 * @example { "kind": "embedded", "spec": { "source": "hf:ggml-org/stories260K-GGUF", "quant": "Q8_0", "contextSize": 1024 } }
 */
export function createEmbeddedTarget(options: EmbeddedTargetOptions): DeploymentTarget<EmbeddedSpec> {
  const modelsDir = path.join(options.config.dataDir, 'models');
  const requireHub = () => {
    if (options.hub) return options.hub;
    throw new DevupError('invalid_request', 'this gateway has no hub to pull from', { param: 'source' });
  };
  return {
    kind: 'embedded',
    parseSpec(input) {
      const spec = parseOrThrow(specSchema, input, 'embedded spec');
      if (spec.source !== undefined) {
        const reference = asSpecField(() => parseHubReference(spec.source as string, 'source'));
        asSpecField(requireHub);
        return { ...spec, source: `hf:${reference.repo}@${reference.revision}` };
      }
      const file = path.resolve(modelsDir, spec.file as string);
      const info = asSpecField(() => describeGguf(readGgufSetHeader(file), file), 'file');
      asSpecField(() => checkContextSize(spec.contextSize, info));
      return { ...spec, file };
    },

    async checkSpec(spec) {
      if (spec.source === undefined) return;
      const hub = requireHub();
      const { pinned, variant } = await findHubVariant(hub, parseHubReference(spec.source, 'source'), spec.quant).catch(
        (error: unknown) => {
          // Its `repo` is this spec's `source`.
          if (DevupError.isInstance(error) && error.param === 'repo') throw new DevupError(error.code, error.message, { param: 'source' });
          throw error;
        },
      );
      if (spec.contextSize === undefined) return;
      checkContextSize(spec.contextSize, describeGguf(await readVariantHeader(hub, pinned, variant.files), variant.files[0].path));
    },

    async resolveModel(spec) {
      if (!options.importModel || spec.file === undefined) return undefined;
      return (await options.importModel(importGguf(spec.file).model)).id;
    },

    async start(spec, context) {
      const file =
        spec.source === undefined
          ? (spec.file as string)
          : await hubVariantFile(requireHub(), { ...spec, source: spec.source }, modelsDir, context);
      const header = readGgufSetHeader(file);
      const info = describeGguf(header, file);
      checkContextSize(spec.contextSize, info);
      const contextSize = spec.contextSize ?? defaultContextSize(header, info, spec.parallel, context.emit);
      const threads = spec.threads ?? options.config.engineThreads;
      let loads = 0;
      const load = () => {
        const first = loads++ === 0;
        if (!first) context.emit({ type: 'log', message: 'loading the model again after its idle unload' });
        let reported = -1;
        return EmbeddedEngine.load({
          file,
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
        message: `loading ${path.basename(file)} (${info.architecture}, ${info.quantization}, ${info.fileBytes} bytes): ${spec.parallel} sequences × ${contextSize} tokens, ${threads} thread(s)`,
      });
      const holder = new EngineHolder(load, spec.idleTimeoutSeconds * 1000, () =>
        context.emit({ type: 'log', message: `unloaded after ${spec.idleTimeoutSeconds}s idle; the next request loads it again` }),
      );
      (await holder.acquire()).done();
      const provider = new EmbeddedProvider({
        holder,
        file,
        hasChatTemplate: info.chatTemplate !== null,
        name: context.deploymentName,
      });
      return {
        provider,
        address: file,
        memoryBytes: () => holder.current?.memoryBytes() ?? 0,
        stop: () => provider.close(),
      };
    },
  };
}

/** Runs a check and reports its DevupError as a field of the spec (`param`, else `field`). */
function asSpecField<T>(check: () => T, field?: string): T {
  try {
    return check();
  } catch (error) {
    if (!DevupError.isInstance(error)) throw error;
    const param = field ?? error.param ?? '';
    throw invalidRequest('embedded spec', [{ path: param, message: error.message }]);
  }
}
